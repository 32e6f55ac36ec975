package io.vertebra.runtime.service;

import io.vertebra.runtime.cluster.ClusterConfig;
import io.vertebra.runtime.cluster.ConfigStore;
import io.vertebra.runtime.cluster.RestartRequest;
import io.vertebra.runtime.cluster.Status;
import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.cluster.TaskId;
import io.vertebra.runtime.config.ConnectorConfigDef;
import io.vertebra.runtime.config.SecretMasker;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.metrics.TaskProgress;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import io.vertebra.runtime.plugins.PluginType;
import io.vertebra.runtime.rest.RestException;
import io.vertebra.runtime.rest.entities.ConfigInfos;
import io.vertebra.runtime.rest.entities.ConnectorInfo;
import io.vertebra.runtime.rest.entities.ConnectorStateInfo;
import io.vertebra.runtime.rest.entities.ConnectorTaskId;
import io.vertebra.runtime.rest.entities.TaskInfo;
import io.vertebra.runtime.rest.entities.TaskProgressInfo;
import io.vertebra.runtime.worker.WorkerContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the REST API (and the CLI) can ask of the Connect cluster. Writes go to the config store, which every worker
 * follows; reads come from this worker's copies of the config and status stores, so any worker answers any request
 * and no write waits for a rebalance. Methods block (store writes wait for the log's acknowledgement); callers run
 * them off the event loop. Errors are {@link RestException}s with the status Kafka Connect answers.
 */
public final class ConnectService {
    private final WorkerContext ctx;
    private final String kafkaClusterId;
    private final Map<PluginDesc, Set<String>> passwordKeys = new java.util.concurrent.ConcurrentHashMap<>();

    public ConnectService(WorkerContext ctx, String kafkaClusterId) {
        this.ctx = ctx;
        this.kafkaClusterId = kafkaClusterId;
    }

    public String kafkaClusterId() {
        return kafkaClusterId;
    }

    public PluginRegistry registry() {
        return ctx.plugins().registry();
    }

    private ClusterConfig config() {
        return store().snapshot();
    }

    /** The config store, once it holds the truth: before, every answer would be "no connectors". */
    private ConfigStore store() {
        ConfigStore store = ctx.configStore();
        if (!store.isStarted()) {
            throw new WorkerStartingException();
        }
        return store;
    }

    public List<String> connectors() {
        return config().connectorNames();
    }

    private Map<String, String> requireConfig(String name) {
        Map<String, String> c = config().connectors().get(name);
        if (c == null) {
            throw RestException.notFound("Connector " + name + " not found");
        }
        return c;
    }

    public ConnectorInfo info(String name) {
        ClusterConfig cfg = config();
        Map<String, String> raw = cfg.connectors().get(name);
        if (raw == null) {
            throw RestException.notFound("Connector " + name + " not found");
        }
        List<ConnectorTaskId> tasks = new ArrayList<>();
        if (cfg.targetState(name) != TargetState.STOPPED) {
            for (int i = 0; i < cfg.tasks(name).size(); i++) {
                tasks.add(new ConnectorTaskId(name, i));
            }
        }
        return new ConnectorInfo(name, masked(raw), tasks, type(raw));
    }

    /** The stored config as written, secrets included: for apply, which masks what it shows. Empty when absent. */
    public Optional<Map<String, String>> rawConfig(String name) {
        return Optional.ofNullable(config().connectors().get(name));
    }

    public TargetState targetState(String name) {
        return config().targetState(name);
    }

    /** The worker's Kafka admin client (topics for apply). */
    public org.apache.kafka.clients.admin.Admin admin() {
        return ctx.admin();
    }

    public WorkerConfig workerConfig() {
        return ctx.config();
    }

    public Map<String, String> connectorConfig(String name) {
        return masked(requireConfig(name));
    }

    /** The config as it may be shown: {@link SecretMasker}'s rule with the secret keys of {@link #secretKeys}. */
    private Map<String, String> masked(Map<String, String> raw) {
        return SecretMasker.mask(raw, secretKeys(raw));
    }

    private static Set<String> passwordKeysOf(PluginDesc plugin) {
        try {
            return SecretMasker.passwordKeys(PluginRegistry.configDef(plugin));
        } catch (RuntimeException | LinkageError e) {
            return Set.of();
        }
    }

    /**
     * The keys of this connector config declared PASSWORD: the connector's, its converters' and transforms' and
     * predicates' (under their prefixes) and the Kafka clients' (worker and override prefixes). {@link SecretMasker}
     * adds the keys whose names say they are secret.
     */
    public Set<String> secretKeys(Map<String, String> config) {
        Set<String> keys = new java.util.HashSet<>(SecretMasker.clientPasswordKeys());
        plugin(config).ifPresent(p -> keys.addAll(passwordKeys.computeIfAbsent(p, ConnectService::passwordKeysOf)));
        for (String converter : List.of("key.converter", "value.converter", "header.converter")) {
            PluginType type = converter.equals("header.converter") ? PluginType.HEADER_CONVERTER : PluginType.CONVERTER;
            addPrefixed(keys, config.get(converter), type, converter + ".");
        }
        for (String prefix : List.of("transforms", "predicates")) {
            PluginType type = prefix.equals("transforms") ? PluginType.TRANSFORMATION : PluginType.PREDICATE;
            for (String alias : io.vertebra.runtime.pipeline.Transforms.aliases(config, prefix)) {
                addPrefixed(keys, config.get(prefix + "." + alias + ".type"), type, prefix + "." + alias + ".");
            }
        }
        return keys;
    }

    private void addPrefixed(Set<String> keys, String cls, PluginType type, String prefix) {
        if (cls == null || cls.isBlank()) {
            return;
        }
        registry()
                .find(cls.trim(), type)
                .ifPresent(p -> passwordKeys
                        .computeIfAbsent(p, ConnectService::passwordKeysOf)
                        .forEach(k -> keys.add(prefix + k)));
    }

    private Optional<PluginDesc> plugin(Map<String, String> raw) {
        String cls = raw.get(ConnectorConfigDef.CONNECTOR_CLASS);
        return cls == null ? Optional.empty() : registry().find(cls, PluginType.SOURCE, PluginType.SINK);
    }

    private String version(Map<String, String> raw) {
        return plugin(raw).map(PluginDesc::version).orElse(null);
    }

    private String type(Map<String, String> raw) {
        return plugin(raw).map(p -> p.type().restName()).orElse("unknown");
    }

    /**
     * The config as it is to be stored: secrets sent back masked keep their stored values ({@link
     * SecretMasker#unmask}); a masked secret with nothing stored is a 400 naming the key.
     */
    private Map<String, String> unmasked(String name, Map<String, String> config) {
        Map<String, String> stored = config().connectors().getOrDefault(name, Map.of());
        Set<String> secrets = new java.util.HashSet<>(secretKeys(config));
        secrets.addAll(secretKeys(stored));
        SecretMasker.Unmasked result = SecretMasker.unmask(name, config, stored, secrets);
        if (!result.problems().isEmpty()) {
            throw RestException.badRequest(String.join("; ", result.problems()));
        }
        return result.config();
    }

    /** POST /connectors. */
    public ConnectorInfo create(String name, Map<String, String> config, TargetState initialState) {
        String problem = ConnectorNames.problem(name);
        if (problem != null) {
            throw RestException.badRequest(problem);
        }
        Map<String, String> full = unmasked(name, withName(name, config));
        validateOrThrow(full);
        synchronized (this) {
            if (config().contains(name)) {
                throw RestException.conflict("Connector " + name + " already exists");
            }
            store().putConnectorConfig(name, full, initialState == null ? TargetState.STARTED : initialState);
        }
        return info(name);
    }

    /** PUT /connectors/{name}/config; returns whether the connector was created. */
    public boolean put(String name, Map<String, String> config) {
        String problem = ConnectorNames.problem(name);
        if (problem != null) {
            throw RestException.badRequest(problem);
        }
        Map<String, String> full = unmasked(name, withName(name, config));
        validateOrThrow(full);
        synchronized (this) {
            boolean created = !config().contains(name);
            if (!created && full.equals(config().connectors().get(name))) {
                return false; // unchanged: no write, no restart
            }
            store().putConnectorConfig(name, full, created ? TargetState.STARTED : null);
            return created;
        }
    }

    /** PATCH /connectors/{name}/config: a null value removes the key. */
    public ConnectorInfo patch(String name, Map<String, String> patch) {
        Map<String, String> merged = new LinkedHashMap<>(requireConfig(name));
        patch.forEach((k, v) -> {
            if (v == null) {
                merged.remove(k);
            } else {
                merged.put(k, v);
            }
        });
        if (patch.containsKey("name") && !name.equals(patch.get("name"))) {
            throw RestException.badRequest("Connector name configuration (" + patch.get("name")
                    + ") doesn't match connector name in the URL (" + name + ")");
        }
        merged.put("name", name);
        put(name, merged);
        return info(name);
    }

    private static Map<String, String> withName(String name, Map<String, String> config) {
        String inConfig = config.get("name");
        if (inConfig != null && !inConfig.equals(name)) {
            throw RestException.badRequest("Connector name configuration (" + inConfig
                    + ") doesn't match connector name in the URL (" + name + ")");
        }
        Map<String, String> full = new LinkedHashMap<>(config);
        full.putIfAbsent("name", name);
        return full;
    }

    private void validateOrThrow(Map<String, String> config) {
        ConfigInfos infos = validator().validate(config);
        if (infos.errorCount() > 0) {
            throw RestException.badRequest(ConfigValidator.invalidMessage(infos));
        }
    }

    public ConfigValidator validator() {
        return new ConfigValidator(registry(), ctx.providers());
    }

    public void delete(String name) {
        requireConfig(name);
        store().removeConnector(name);
    }

    public ConnectorStateInfo status(String name) {
        ClusterConfig cfg = config();
        Map<String, String> raw = cfg.connectors().get(name);
        if (raw == null) {
            throw RestException.notFound("No status found for connector " + name);
        }
        Status c = ctx.statusStore().connector(name).orElse(new Status(Status.UNASSIGNED, null, ctx.workerId()));
        List<ConnectorStateInfo.TaskState> tasks = new ArrayList<>();
        if (cfg.targetState(name) != TargetState.STOPPED) {
            Map<Integer, Status> statuses = ctx.statusStore().tasks(name);
            Map<Integer, TaskProgress> progress = progress(name);
            for (int i = 0; i < cfg.tasks(name).size(); i++) {
                Status s = statuses.getOrDefault(i, new Status(Status.UNASSIGNED, null, ctx.workerId()));
                tasks.add(new ConnectorStateInfo.TaskState(
                        i, s.state(), s.workerId(), version(raw), blankToNull(s.trace()), info(progress.get(i))));
            }
        }
        return new ConnectorStateInfo(
                name,
                new ConnectorStateInfo.ConnectorState(c.state(), c.workerId(), version(raw), blankToNull(c.trace())),
                tasks,
                type(raw));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public ConnectorStateInfo.TaskState taskStatus(String name, int task) {
        ClusterConfig cfg = config();
        if (!cfg.contains(name) || task < 0 || task >= cfg.tasks(name).size()) {
            throw RestException.notFound("No status found for task " + name + "-" + task);
        }
        Status s =
                ctx.statusStore().tasks(name).getOrDefault(task, new Status(Status.UNASSIGNED, null, ctx.workerId()));
        return new ConnectorStateInfo.TaskState(
                task,
                s.state(),
                s.workerId(),
                version(cfg.connectors().get(name)),
                blankToNull(s.trace()),
                info(progress(name).get(task)));
    }

    /** What the connector's tasks on this worker publish of their progress (none without metrics). */
    private Map<Integer, TaskProgress> progress(String connector) {
        return ctx.metrics() == null ? Map.of() : ctx.metrics().progress(connector);
    }

    private static TaskProgressInfo info(TaskProgress progress) {
        if (progress == null) {
            return null;
        }
        TaskProgress.Snapshot s = progress.snapshot();
        return new TaskProgressInfo(
                progress.items().isEmpty()
                        ? null
                        : progress.items().stream()
                                .map(i -> new TaskProgressInfo.Item(
                                        i.name(), i.unit(), i.done(), i.total(), i.remaining()))
                                .toList(),
                s == null
                        ? null
                        : new TaskProgressInfo.Snapshot(
                                s.completed() ? "completed" : s.running() ? "running" : "not_running",
                                s.tablesDone(),
                                s.tablesTotal(),
                                s.rowsDone(),
                                s.rowsScanned(),
                                s.durationSeconds()));
    }

    public List<TaskInfo> tasks(String name) {
        ClusterConfig cfg = config();
        if (!cfg.contains(name)) {
            throw RestException.notFound("Connector " + name + " not found");
        }
        List<TaskInfo> out = new ArrayList<>();
        List<Map<String, String>> tasks = cfg.tasks(name);
        // a task config names no connector.class: the connector's config says which keys are secret
        Set<String> secrets = secretKeys(cfg.connectors().getOrDefault(name, Map.of()));
        for (int i = 0; i < tasks.size(); i++) {
            Set<String> taskSecrets = new java.util.HashSet<>(secrets);
            taskSecrets.addAll(secretKeys(tasks.get(i)));
            out.add(new TaskInfo(new ConnectorTaskId(name, i), SecretMasker.mask(tasks.get(i), taskSecrets)));
        }
        return out;
    }

    public void setTargetState(String name, TargetState state) {
        if (!config().contains(name)) {
            throw RestException.notFound("Unknown connector " + name);
        }
        if (config().targetState(name) != state) {
            store().putTargetState(name, state);
        }
    }

    /**
     * POST /connectors/{name}/restart. Returns null for the plain restart (204), else the status with every instance
     * about to restart shown as RESTARTING (202).
     */
    public ConnectorStateInfo restart(String name, boolean includeTasks, boolean onlyFailed) {
        ConnectorStateInfo before = status(name);
        store().requestRestart(new RestartRequest(name, -1, includeTasks, onlyFailed));
        if (!includeTasks && !onlyFailed) {
            return null;
        }
        boolean connectorRestarts =
                !onlyFailed || Status.FAILED.equals(before.connector().state());
        ConnectorStateInfo.ConnectorState c = connectorRestarts
                ? new ConnectorStateInfo.ConnectorState(
                        Status.RESTARTING,
                        before.connector().workerId(),
                        before.connector().version(),
                        null)
                : before.connector();
        List<ConnectorStateInfo.TaskState> tasks = new ArrayList<>();
        for (ConnectorStateInfo.TaskState t : before.tasks()) {
            boolean restarts = includeTasks && (!onlyFailed || Status.FAILED.equals(t.state()));
            tasks.add(
                    restarts
                            ? new ConnectorStateInfo.TaskState(
                                    t.id(), Status.RESTARTING, t.workerId(), t.version(), null, null)
                            : t);
        }
        return new ConnectorStateInfo(name, c, tasks, before.type());
    }

    public void restartTask(String name, int task) {
        ClusterConfig cfg = config();
        if (!cfg.contains(name) || task < 0 || task >= cfg.tasks(name).size()) {
            throw RestException.notFound("Task " + name + "-" + task + " not found");
        }
        store().requestRestart(RestartRequest.ofTask(new TaskId(name, task)));
    }

    public Set<String> topics(String name) {
        if (!ctx.config().getBoolean(WorkerConfig.TOPIC_TRACKING_ENABLE)) {
            throw new RestException(403, "Topic tracking is disabled.");
        }
        return ctx.statusStore().topics(name);
    }

    public void resetTopics(String name) {
        if (!ctx.config().getBoolean(WorkerConfig.TOPIC_TRACKING_ENABLE)) {
            throw new RestException(403, "Topic tracking is disabled.");
        }
        if (!ctx.config().getBoolean(WorkerConfig.TOPIC_TRACKING_ALLOW_RESET)) {
            throw new RestException(403, "Topic tracking reset is disabled.");
        }
        requireConfig(name);
        ctx.statusStore().resetTopics(name);
    }

    private boolean isSink(Map<String, String> raw) {
        return plugin(raw).map(p -> p.type() == PluginType.SINK).orElse(false);
    }

    /** GET /connectors/{name}/offsets: {@code [{"partition": {...}, "offset": {...}}]}. */
    public List<Map<String, Object>> offsets(String name) {
        Map<String, String> raw = requireConfig(name);
        List<Map<String, Object>> out = new ArrayList<>();
        if (isSink(raw)) {
            try {
                ListConsumerGroupOffsetsResult result = ctx.admin().listConsumerGroupOffsets("connect-" + name);
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        result.partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                offsets.forEach((tp, o) -> {
                    if (o != null) {
                        out.add(Map.of(
                                "partition", Map.of("kafka_topic", tp.topic(), "kafka_partition", tp.partition()),
                                "offset", Map.of("kafka_offset", o.offset())));
                    }
                });
            } catch (Exception e) {
                throw new RestException(
                        500, "Failed to read the consumer group offsets of connector " + name + ": " + e);
            }
        } else {
            ctx.offsetStore().offsets(name).forEach((p, o) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("partition", p);
                entry.put("offset", o);
                out.add(entry);
            });
        }
        return out;
    }

    private void requireStopped(String name) {
        requireConfig(name);
        if (config().targetState(name) != TargetState.STOPPED) {
            throw RestException.badRequest("Connectors must be in the STOPPED state before their offsets can be"
                    + " modified. This can be done for the specified connector by issuing a 'PUT' request to the"
                    + " '/connectors/" + name + "/stop' endpoint");
        }
    }

    /** PATCH (alter) or DELETE (reset, {@code offsets} null) the connector's offsets. */
    @SuppressWarnings("unchecked")
    public String alterOffsets(String name, List<Map<String, Object>> offsets) {
        requireStopped(name);
        Map<String, String> raw = requireConfig(name);
        boolean reset = offsets == null;
        if (isSink(raw)) {
            SinkOffsets.alter(ctx.admin(), "connect-" + name, offsets);
        } else {
            Map<Map<String, Object>, Map<String, Object>> write = new LinkedHashMap<>();
            if (reset) {
                ctx.offsetStore().offsets(name).keySet().forEach(p -> write.put(p, null));
            } else {
                for (Map<String, Object> entry : offsets) {
                    Object partition = entry.get("partition");
                    if (!(partition instanceof Map)) {
                        throw RestException.badRequest("Every offset entry needs a 'partition' object, got: " + entry);
                    }
                    Object offset = entry.get("offset");
                    if (offset != null && !(offset instanceof Map)) {
                        throw RestException.badRequest("An offset must be an object or null, got: " + offset);
                    }
                    write.put((Map<String, Object>) partition, (Map<String, Object>) offset);
                }
            }
            if (!write.isEmpty()) {
                try {
                    ctx.offsetStore().write(name, write, 30_000);
                } catch (org.apache.kafka.connect.errors.DataException e) {
                    throw RestException.badRequest("Invalid source offsets for connector " + name + ": "
                            + e.getMessage() + " (partitions and offsets are objects of strings, numbers,"
                            + " booleans or null)");
                }
            }
        }
        return reset
                ? "The offsets for this connector have been reset successfully"
                : "The offsets for this connector have been altered successfully";
    }
}
