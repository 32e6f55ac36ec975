package io.vertebra.node;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.log.Broker;
import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.security.InternalResources;
import io.vertebra.log.security.NodeCredential;
import io.vertebra.runtime.ConnectRuntime;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.health.HealthContributor;
import io.vertebra.runtime.metrics.ProcessMeters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * One Vertebra node: the embedded broker (unless it runs as a pure worker against another Kafka cluster) and the
 * Connect worker with its REST API. This is the only class that knows both the log engine and the runtime.
 *
 * <p>The node owns the one meter registry of the process: the JVM meters, the worker's and the broker's go into it,
 * and the worker's {@code GET /metrics} serves it whole.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final DataDirLock lock;
    private final Consumer<String> progress;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ProcessMeters processMeters = ProcessMeters.bindTo(registry);
    private Broker broker;
    private ConnectRuntime worker;

    private Node(NodeConfig config, DataDirLock lock, Consumer<String> progress) {
        this.config = config;
        this.lock = lock;
        this.progress = progress;
    }

    public static Node start(NodeConfig config) throws IOException {
        return start(config, phase -> {});
    }

    /**
     * Starts the node, telling {@code progress} before each phase that can take long (recovering logs, joining the
     * cluster, loading plugins, starting the worker), so a slow start shows where it is.
     */
    public static Node start(NodeConfig config, Consumer<String> progress) throws IOException {
        rejectUnknownKeys(config);
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        Node node = new Node(config, lock, progress);
        try {
            node.startParts();
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startParts() throws IOException {
        if (config.embeddedLog()) {
            Path logDir = config.dataDir().resolve("log").toAbsolutePath().normalize();
            boolean unclean = Files.isDirectory(logDir) && !Files.exists(logDir.resolve(".clean-shutdown"));
            progress.accept(
                    unclean
                            ? "recovering the logs in " + logDir
                                    + " (the last stop was not clean; this can take a while)"
                            : "opening the logs in " + logDir);
            if (!config.cluster().isEmpty()) {
                progress.accept("joining the cluster " + config.cluster() + " (waits for a quorum of controllers)");
            }
            broker = Broker.start(brokerConfig(), registry, internalResources(config));
            parts.add(broker);
            broker.offlineLogs()
                    .forEach((tp, reason) -> progress.accept(
                            "partition " + tp + " is OFFLINE on this node; the others are served: " + reason));
        }
        // on the embedded log the worker connects in the background (the log may still be electing leaders);
        // as a pure worker, a Kafka cluster that cannot be reached fails the start with a clear message
        if (!config.workerEnabled()) {
            return;
        }
        progress.accept("loading plugins from " + config.pluginPath());
        progress.accept("starting the Connect worker (group " + config.groupId() + ", REST port " + config.restPort()
                + (config.embeddedLog() ? "" : ", Kafka " + config.bootstrapServers()) + ")");
        worker = config.embeddedLog()
                ? ConnectRuntime.startInBackground(workerConfig(), registry, List.of(offlinePartitions(broker)))
                : ConnectRuntime.start(workerConfig(), registry);
        parts.add(worker);
    }

    /**
     * The embedded log's part of {@code GET /health} and {@code GET /ready}: the partitions whose log is offline on
     * this node (corrupt and quarantined, or unopenable), each with the reason. Degraded, never failing: the node
     * serves its other partitions (see docs/metrics.md).
     */
    static HealthContributor offlinePartitions(Broker broker) {
        return new HealthContributor() {
            @Override
            public String name() {
                return "partitions";
            }

            @Override
            public Health check() {
                Map<String, String> details = new TreeMap<>();
                broker.offlineLogs().forEach((tp, reason) -> details.put(tp.toString(), reason));
                return details.isEmpty()
                        ? new Health(false, "every partition log of this node is online", details)
                        : new Health(
                                true,
                                details.size() + " partition log(s) OFFLINE on this node, the others are served: "
                                        + String.join(", ", details.keySet()),
                                details);
            }
        };
    }

    /**
     * Refuses a node config with a key that is neither the node's, a broker setting nor a worker setting (a typo
     * would otherwise be silently ignored), naming each such key with the closest known one.
     */
    static void rejectUnknownKeys(NodeConfig config) {
        List<String> known = new ArrayList<>(NodeConfig.DEFINITION.names());
        known.addAll(BrokerConfig.DEFINITION.names());
        known.addAll(WorkerConfig.DEFINITION.names());
        List<String> problems = new ArrayList<>();
        for (String key : config.passThrough().keySet()) {
            if (!BrokerConfig.DEFINITION.names().contains(key) && !WorkerConfig.isWorkerKey(key)) {
                problems.add("'" + key + "'"
                        + Spelling.closest(key, known)
                                .map(k -> " (did you mean '" + k + "'?)")
                                .orElse(""));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException("Unknown node config key" + (problems.size() > 1 ? "s " : " ")
                    + String.join(", ", problems)
                    + ": a node config holds node, broker and Connect worker settings (see schemas/node.schema.json)");
        }
    }

    /**
     * The Connect worker's settings: the node's Kafka address, group, plugin path and REST listener, plus every
     * worker key of the node config (see {@link WorkerConfig#isWorkerKey}).
     */
    Map<String, String> workerConfig() {
        Map<String, String> worker = new LinkedHashMap<>();
        config.passThrough().forEach((k, v) -> {
            if (WorkerConfig.isWorkerKey(k)) {
                worker.put(k, v);
            }
        });
        String bootstrap = config.embeddedLog() ? config.host() + ":" + broker.port() : config.bootstrapServers();
        worker.put(WorkerConfig.BOOTSTRAP_SERVERS, bootstrap);
        worker.put(WorkerConfig.GROUP_ID, config.groupId());
        worker.put(WorkerConfig.PLUGIN_PATH, config.pluginPath());
        worker.put(WorkerConfig.REST_HOST, config.bindHost());
        worker.put(WorkerConfig.REST_PORT, Integer.toString(config.restPort()));
        worker.put(WorkerConfig.REST_ADVERTISED_HOST, config.host());
        if (config.embeddedLog()) {
            worker.putAll(nodeClientSecurity(
                    broker.securityProtocol(), broker.nodeCredential().secret()));
        }
        return worker;
    }

    /**
     * The worker's client settings on the embedded log: every client (producer, consumer, admin, and so the
     * connectors' tasks) authenticates as the node credential with SASL/PLAIN, over TLS when the listener uses
     * TLS, so the broker lets it change the internal topics and the worker group. Other settings of those clients
     * (the trust store, a client certificate) stay as the node config gives them.
     */
    static Map<String, String> nodeClientSecurity(SecurityProtocol listener, String secret) {
        if (secret == null) {
            throw new IllegalStateException("the cluster has no node secret yet; the broker registers before the"
                    + " worker starts, so this is a bug");
        }
        boolean tls = listener == SecurityProtocol.SSL || listener == SecurityProtocol.SASL_SSL;
        String jaas = PlainLoginModule.class.getName() + " required username=\"" + NodeCredential.USER
                + "\" password=\"" + secret + "\";";
        Map<String, String> settings = new LinkedHashMap<>();
        for (String kind : List.of("producer.", "consumer.", "admin.")) {
            settings.put(
                    kind + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                    (tls ? SecurityProtocol.SASL_SSL : SecurityProtocol.SASL_PLAINTEXT).name);
            settings.put(kind + SaslConfigs.SASL_MECHANISM, "PLAIN");
            settings.put(kind + SaslConfigs.SASL_JAAS_CONFIG, jaas);
        }
        return settings;
    }

    /**
     * What the broker protects for this node's worker: its internal topics (configs, offsets, statuses, apply sets,
     * as the node config names them or their defaults) and its group. Set even when this node runs no worker, since
     * it may lead partitions of those topics for the workers of the other nodes.
     */
    static InternalResources internalResources(NodeConfig config) {
        Map<String, String> settings = config.passThrough();
        Set<String> topics = new LinkedHashSet<>();
        for (String key : List.of(
                WorkerConfig.CONFIG_TOPIC,
                WorkerConfig.OFFSET_TOPIC,
                WorkerConfig.STATUS_TOPIC,
                WorkerConfig.APPLY_TOPIC)) {
            String value = settings.get(key);
            topics.add(
                    value == null || value.isBlank()
                            ? (String) WorkerConfig.DEFINITION.defaultValues().get(key)
                            : value.trim());
        }
        return new InternalResources(topics, Set.of(config.groupId()));
    }

    /** The broker's settings: the node's identity and listener, plus every broker key of the node config. */
    Map<String, String> brokerConfig() {
        Map<String, String> broker = new LinkedHashMap<>(config.passThrough());
        broker.put("node.id", Integer.toString(config.nodeId()));
        broker.put("log.dir", config.dataDir().resolve("log").toString());
        broker.put("listener.host", config.bindHost());
        broker.put("listener.port", Integer.toString(config.kafkaPort()));
        broker.put("advertised.host", config.host());
        if (!config.cluster().isEmpty()) {
            broker.put("controller.quorum.voters", config.cluster());
        }
        return broker;
    }

    public int kafkaPort() {
        return broker == null ? -1 : broker.port();
    }

    public int restPort() {
        return worker == null ? -1 : worker.restPort();
    }

    public Path dataDir() {
        return config.dataDir();
    }

    public String readyLine() {
        String kafka = broker == null ? "external " + config.bootstrapServers() : config.host() + ":" + broker.port();
        return "vertebra ready: node.id=" + config.nodeId() + " kafka=" + kafka
                + (worker == null
                        ? " rest=disabled"
                        : " rest=" + worker.restScheme() + "://" + config.host() + ":" + worker.restPort())
                + " data.dir="
                + config.dataDir().toAbsolutePath().normalize();
    }

    /** Blocks until SIGTERM or SIGINT (Ctrl-C); the caller then closes the node and exits 0. */
    public void awaitShutdownSignal() throws InterruptedException {
        Signal.handle(new Signal("TERM"), s -> shutdown.countDown());
        Signal.handle(new Signal("INT"), s -> shutdown.countDown());
        shutdown.await();
        log.info("shutdown requested; stopping the node");
    }

    /** Stops the parts in reverse start order: worker and REST first, the broker (flush, close segments) last. */
    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(parts);
        Collections.reverse(reversed);
        for (AutoCloseable part : reversed) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("error while stopping {}", part, e);
            }
        }
        processMeters.close();
        registry.close();
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("cannot release the data directory lock", e);
        }
    }
}
