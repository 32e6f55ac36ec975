package io.vertebra.runtime;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.runtime.cluster.Assignment;
import io.vertebra.runtime.cluster.ConfigStore;
import io.vertebra.runtime.cluster.GroupMembership;
import io.vertebra.runtime.cluster.KafkaConfigStore;
import io.vertebra.runtime.cluster.KafkaStatusStore;
import io.vertebra.runtime.cluster.Membership;
import io.vertebra.runtime.cluster.Status;
import io.vertebra.runtime.cluster.StatusStore;
import io.vertebra.runtime.cluster.TopicLog;
import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.health.WorkerReadiness;
import io.vertebra.runtime.metrics.ConnectMetrics;
import io.vertebra.runtime.metrics.ProcessMeters;
import io.vertebra.runtime.offsets.KafkaOffsetStore;
import io.vertebra.runtime.offsets.OffsetStore;
import io.vertebra.runtime.plugins.Plugins;
import io.vertebra.runtime.rest.CrossSiteGuard;
import io.vertebra.runtime.rest.RestSecurity;
import io.vertebra.runtime.rest.RestServer;
import io.vertebra.runtime.service.ConnectService;
import io.vertebra.runtime.worker.Worker;
import io.vertebra.runtime.worker.WorkerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Connect worker: plugins, the config/offset/status stores on their internal topics, group membership,
 * the task runners and the REST API. The one entry point a node (or a test) uses:
 *
 * <pre>
 * try (ConnectRuntime worker = ConnectRuntime.start(Map.of("bootstrap.servers", "localhost:9092", ...))) {
 *     worker.restPort();
 * }
 * </pre>
 *
 * The worker reaches Kafka only through kafka-clients, so it runs the same against Apache Kafka and the embedded log.
 *
 * <p>Its meters ({@code vertebra.connect.*}, see docs/metrics.md) go to the registry it is given, which {@code GET
 * /metrics} serves whole (a node shares one registry between its broker, its worker and the JVM binders); started
 * without one, the worker makes its own with the JVM meters in it.
 */
public final class ConnectRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectRuntime.class);

    /** What the bundled connectors read (io.vertebra.connect.confine.AllowedDirs.PROPERTY; they share no classes). */
    public static final String CONNECTOR_ALLOWED_DIRS_PROPERTY = "vertebra.connector.allowed.dirs";

    private final List<AutoCloseable> parts = new ArrayList<>();
    private RestServer rest;
    private volatile Worker worker;
    private String url;
    private volatile boolean ready;
    private volatile boolean closed;
    private Plugins plugins;
    private ConfigProviders providers;
    private Path pluginWorkDir;
    private volatile ConnectService service;
    private volatile Admin admin;
    private volatile boolean storesLoaded;
    private volatile String startError;
    private final PrometheusMeterRegistry registry;
    private final ProcessMeters processMeters;
    private final ConnectMetrics metrics;
    private RestSecurity security = RestSecurity.none();

    /** {@code registry}: shared with the caller, or null for one of the worker's own (with the JVM meters). */
    private ConnectRuntime(PrometheusMeterRegistry registry) {
        if (registry == null) {
            this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            this.processMeters = ProcessMeters.bindTo(this.registry);
        } else {
            this.registry = registry;
            this.processMeters = null;
        }
        this.metrics = new ConnectMetrics(this.registry);
    }

    /** Starts a worker with a meter registry of its own; returns once it has joined its group. */
    public static ConnectRuntime start(Map<String, String> props) {
        return start(props, null);
    }

    /**
     * Starts a worker whose meters go to {@code registry} (which it leaves open on close); returns once it has joined
     * its group and its REST API answers.
     */
    public static ConnectRuntime start(Map<String, String> props, PrometheusMeterRegistry registry) {
        ConnectRuntime runtime = new ConnectRuntime(registry);
        try {
            WorkerConfig config = new WorkerConfig(props);
            runtime.startRest(config);
            runtime.startWorker(config);
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /**
     * Binds the REST API at once and connects to Kafka in the background, retrying until the log answers (for a
     * node whose embedded log is still starting). Until then {@code GET /health} answers 503 and the connector
     * endpoints 503 "still starting".
     */
    public static ConnectRuntime startInBackground(Map<String, String> props) {
        return startInBackground(props, null);
    }

    /** {@link #startInBackground(Map)} with the meters in {@code registry} (left open on close). */
    public static ConnectRuntime startInBackground(Map<String, String> props, PrometheusMeterRegistry registry) {
        ConnectRuntime runtime = new ConnectRuntime(registry);
        WorkerConfig config;
        try {
            config = new WorkerConfig(props);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        try {
            runtime.startRest(config);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        Thread starter = new Thread(
                () -> {
                    while (!runtime.closed) {
                        try {
                            runtime.startWorker(config);
                            return;
                        } catch (RuntimeException e) {
                            runtime.startError = e.getMessage();
                            log.warn("Connect worker cannot start yet ({}); retrying in 5 s", e.getMessage());
                            runtime.closeWorkerParts();
                            try {
                                Thread.sleep(5000);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                    }
                },
                "connect-worker-start");
        starter.setDaemon(true);
        starter.start();
        return runtime;
    }

    /** The parts that need no Kafka: plugins, config providers and the REST server. Started once. */
    private void startRest(WorkerConfig config) {
        confineConnectors(config);
        List<Path> pluginPath = config.getList(WorkerConfig.PLUGIN_PATH).stream()
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s.trim()))
                .toList();
        try {
            pluginWorkDir = Files.createTempDirectory("vertebra-plugins-");
        } catch (java.io.IOException e) {
            throw new ConnectException("cannot create a plugin work directory", e);
        }
        plugins = Plugins.start(pluginPath, pluginWorkDir, config.getLong(WorkerConfig.PLUGIN_SCAN_INTERVAL_MS));
        providers = ConfigProviders.fromWorkerConfig(config, ConnectRuntime.class.getClassLoader());
        security = RestSecurity.from(config, providers);
        String host = config.getString(WorkerConfig.REST_HOST);
        int port = config.getInt(WorkerConfig.REST_PORT);
        WorkerReadiness readiness = new WorkerReadiness(
                config.bootstrapServers(),
                config.groupId(),
                () -> admin,
                () -> storesLoaded,
                () -> {
                    Worker current = worker;
                    return current == null ? null : current.assignment();
                },
                () -> startError,
                3000);
        String advertised = config.getString(WorkerConfig.REST_ADVERTISED_HOST);
        CrossSiteGuard guard = new CrossSiteGuard(
                security.scheme(),
                List.of(host, advertised),
                config.getList(WorkerConfig.REST_ALLOWED_ORIGINS),
                config.getList(WorkerConfig.REST_ALLOWED_HOSTS));
        rest = RestServer.start(
                new RestServer.Settings(host, port, config.getInt(WorkerConfig.REST_MAX_BODY_BYTES), security, guard),
                new RestServer.Backends(() -> service, () -> ready, readiness, registry, metrics::refresh),
                new RestServer.Limits(
                        config.getInt(WorkerConfig.REST_MAX_CONNECTIONS),
                        config.getLong(WorkerConfig.REST_IDLE_TIMEOUT_MS)));
        RestSecurity.exposureWarning(config, security).ifPresent(log::warn);
        url = security.scheme() + "://" + (advertised.isBlank() ? host : advertised) + ":" + rest.port() + "/";
        if (security.basicAuth() || security.tls().isPresent()) {
            log.info("{} on {}", security, url);
        }
    }

    /**
     * Hands connector.allowed.dirs to the bundled file and Parquet connectors. A system property because a plugin
     * sees only its connector's config, which whoever posts the connector controls; the same property confines them
     * inside Apache Kafka Connect. Process-wide: one worker per process, as a node runs it.
     */
    private static void confineConnectors(WorkerConfig config) {
        List<Path> dirs = config.connectorAllowedDirs();
        System.setProperty(
                CONNECTOR_ALLOWED_DIRS_PROPERTY,
                String.join(",", dirs.stream().map(Path::toString).toList()));
        log.info(
                "connectors may read and write files only under {} ({})",
                dirs.isEmpty() ? "no directory" : dirs,
                WorkerConfig.CONNECTOR_ALLOWED_DIRS);
    }

    private synchronized void startWorker(WorkerConfig config) {
        if (closed) {
            return;
        }
        Admin admin = Admin.create(config.clientConfig("admin"));
        parts.add(admin);
        this.admin = admin;
        String clusterId;
        try {
            clusterId = admin.describeCluster().clusterId().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ConnectException("cannot reach the Kafka cluster at " + config.bootstrapServers() + ": " + e, e);
        }

        String host = config.getString(WorkerConfig.REST_HOST);
        String advertised = config.getString(WorkerConfig.REST_ADVERTISED_HOST);
        String workerId = config.workerIdOr((advertised.isBlank() ? host : advertised) + ":" + rest.port());

        Map<String, Object> producer = config.clientConfig("producer");
        Map<String, Object> consumer = config.clientConfig("consumer");
        String suffix = WorkerConfig.newClientSuffix();
        producer.put("client.id", "connect-internal-producer-" + suffix);
        consumer.put("client.id", "connect-internal-consumer-" + suffix);
        StatusStore statuses = new KafkaStatusStore(onRecord -> TopicLog.start(
                config.getString(WorkerConfig.STATUS_TOPIC),
                config.getInt(WorkerConfig.STATUS_PARTITIONS),
                config.getShort(WorkerConfig.STATUS_RF),
                admin,
                producer,
                consumer,
                onRecord));
        statuses.start();
        parts.add(statuses);
        OffsetStore offsets = new KafkaOffsetStore(onRecord -> TopicLog.start(
                config.getString(WorkerConfig.OFFSET_TOPIC),
                config.getInt(WorkerConfig.OFFSET_PARTITIONS),
                config.getShort(WorkerConfig.OFFSET_RF),
                admin,
                producer,
                consumer,
                onRecord));
        offsets.start();
        parts.add(offsets);
        ConfigStore configs = new KafkaConfigStore(onRecord -> TopicLog.start(
                config.getString(WorkerConfig.CONFIG_TOPIC),
                1,
                config.getShort(WorkerConfig.CONFIG_RF),
                admin,
                producer,
                consumer,
                onRecord));
        parts.add(configs);

        WorkerContext ctx =
                new WorkerContext(workerId, config, plugins, providers, configs, statuses, offsets, admin, metrics);
        service = new ConnectService(ctx, clusterId);
        Membership membership = new GroupMembership(
                config.clientConfig("consumer"),
                config.groupId(),
                config.getInt(WorkerConfig.SESSION_TIMEOUT_MS),
                config.getInt(WorkerConfig.HEARTBEAT_INTERVAL_MS),
                config.getInt(WorkerConfig.REBALANCE_TIMEOUT_MS),
                url,
                configs::snapshot,
                configs::position);
        parts.add(membership);
        Worker started = new Worker(ctx, membership);
        worker = started;
        parts.add(started); // closed before the membership: tasks stop before this worker leaves the group
        configs.start(started);
        storesLoaded = true;
        metrics.attach(new ConnectMetrics.WorkerView() {
            @Override
            public Assignment assignment() {
                return started.assignment();
            }

            @Override
            public Optional<Status> connectorStatus(String connector) {
                return statuses.connector(connector);
            }

            @Override
            public Map<Integer, Status> taskStatuses(String connector) {
                return statuses.tasks(connector);
            }

            @Override
            public Map<String, String> connectorConfig(String connector) {
                return configs.snapshot().connectors().getOrDefault(connector, Map.of());
            }
        });
        membership.start(started);
        startError = null;
        ready = true;
        log.info(
                "Connect worker {} ready: group {}, REST {}, Kafka cluster {}",
                workerId,
                config.groupId(),
                url,
                clusterId);
    }

    public int restPort() {
        return rest.port();
    }

    public String restUrl() {
        return url;
    }

    public Worker worker() {
        return worker;
    }

    public boolean isReady() {
        return ready;
    }

    /** {@code http} or {@code https}. */
    public String restScheme() {
        return security.scheme();
    }

    /** The registry {@code GET /metrics} serves. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Stops tasks and connectors, leaves the group, closes the stores and the REST server. */
    @Override
    public void close() {
        closed = true;
        ready = false;
        synchronized (this) {
            closeWorkerParts();
        }
        if (rest != null) {
            rest.close();
        }
        if (plugins != null) {
            plugins.close();
        }
        if (providers != null) {
            providers.close();
        }
        metrics.close();
        if (processMeters != null) {
            processMeters.close();
            registry.close();
        }
        if (pluginWorkDir != null) {
            try (java.util.stream.Stream<Path> files = Files.walk(pluginWorkDir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            } catch (java.io.IOException | RuntimeException e) {
                log.debug("cannot delete {}", pluginWorkDir, e);
            }
        }
    }

    private void closeWorkerParts() {
        service = null;
        metrics.attach(null);
        storesLoaded = false;
        admin = null;
        List<AutoCloseable> reversed = new ArrayList<>(parts);
        Collections.reverse(reversed);
        for (AutoCloseable part : reversed) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("error while stopping {}", part.getClass().getSimpleName(), e);
            }
        }
        parts.clear();
        worker = null;
    }
}
