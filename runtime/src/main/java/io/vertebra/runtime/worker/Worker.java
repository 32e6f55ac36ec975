package io.vertebra.runtime.worker;

import io.vertebra.runtime.cluster.Assignment;
import io.vertebra.runtime.cluster.ClusterConfig;
import io.vertebra.runtime.cluster.ConfigStore;
import io.vertebra.runtime.cluster.Membership;
import io.vertebra.runtime.cluster.RestartRequest;
import io.vertebra.runtime.cluster.Status;
import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.cluster.TaskId;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs what this worker is assigned. One control thread owns all the state here: config changes, assignments,
 * restart requests and connector callbacks are queued to it, and after each it reconciles what runs with what
 * should run (start what is missing, stop what is gone or moved, restart what changed, pause or resume). Tasks run on
 * their own threads ({@link TaskRunner}).
 */
public final class Worker
        implements ConfigStore.Listener, Membership.Listener, ConnectorRunner.Callbacks, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final WorkerContext ctx;
    private final Membership membership;
    private final ExecutorService control;
    private final Map<String, ConnectorRunner> connectors = new HashMap<>();
    private final Map<TaskId, TaskRunner> tasks = new HashMap<>();
    private ClusterConfig config = ClusterConfig.EMPTY;
    private Assignment assignment = Assignment.NONE;
    private volatile Assignment published = Assignment.NONE;
    private volatile boolean closed;

    public Worker(WorkerContext ctx, Membership membership) {
        this.ctx = ctx;
        this.membership = membership;
        this.control = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "worker-control");
            t.setDaemon(true);
            return t;
        });
    }

    /** The latest assignment (any thread). */
    public Assignment assignment() {
        return published;
    }

    private void submit(String what, Runnable r) {
        if (closed) {
            return;
        }
        control.execute(() -> {
            try {
                r.run();
            } catch (Throwable t) {
                log.error("worker: error while handling {}", what, t);
            }
        });
    }

    @Override
    public void onConfigChange(ClusterConfig next) {
        submit("config change", () -> {
            ClusterConfig previous = config;
            config = next;
            reconcile();
            membership.onConfigChange(previous, next);
        });
    }

    @Override
    public void onAssignment(Assignment next) {
        submit("assignment", () -> {
            log.info(
                    "assignment generation {}: {} connectors, {} tasks{}",
                    next.generation(),
                    next.connectors().size(),
                    next.tasks().size(),
                    next.revoked() ? " (gave some up)" : "");
            assignment = next;
            published = next;
            ctx.metrics().rebalanced(next);
            try {
                ctx.configStore().awaitPosition(next.configPosition()); // at least what the leader assigned from
            } catch (RuntimeException e) {
                log.warn(
                        "config topic not caught up to the leader's position ({}); reading to its end", e.getMessage());
                ctx.configStore().refresh();
            }
            ClusterConfig previous = config;
            config = ctx.configStore().snapshot();
            reconcile();
            if (next.revoked()) {
                membership.requestRejoin();
            }
            // a change read while refreshing would otherwise be lost: its own event will find nothing new
            membership.onConfigChange(previous, config);
            // the leader assigned from an older config than this worker has read (say, task configs written while
            // the rebalance was in flight, whose rejoin request the completing rebalance swallowed): go again
            if (next.configPosition() > 0 && ctx.configStore().position() > next.configPosition()) {
                membership.requestRejoin();
            }
        });
    }

    @Override
    public void onRestartRequest(RestartRequest request) {
        submit("restart", () -> restart(request));
    }

    @Override
    public void requestTaskReconfiguration(String connector) {
        submit("task reconfiguration of " + connector, () -> updateTaskConfigs(connector));
    }

    @Override
    public void raiseError(String connector, Throwable e) {
        submit("error of " + connector, () -> {
            ConnectorRunner runner = connectors.get(connector);
            if (runner != null) {
                runner.fail(e);
            }
        });
    }

    private void reconcile() {
        // connectors: stop what moved away or was deleted, restart what changed, start what is new
        for (String name : new ArrayList<>(connectors.keySet())) {
            ConnectorRunner runner = connectors.get(name);
            boolean deleted = !config.contains(name);
            if (deleted
                    || !assignment.connectors().contains(name)
                    || !Objects.equals(runner.rawConfig, config.connectors().get(name))) {
                runner.stop();
                connectors.remove(name);
                if (deleted) {
                    ctx.statusStore().remove(name);
                    ctx.statusStore().resetTopics(name);
                }
            }
        }
        // tasks: stop what is gone, stopped or changed — before a connector reports STOPPED below, so
        // that a client who sees that status finds the tasks' consumers out of their group (offsets can change)
        for (TaskId id : new ArrayList<>(tasks.keySet())) {
            TaskRunner runner = tasks.get(id);
            List<Map<String, String>> taskConfigs = config.tasks(id.connector());
            boolean gone = !config.contains(id.connector())
                    || id.task() >= taskConfigs.size()
                    || config.targetState(id.connector()) == TargetState.STOPPED;
            boolean changed = !gone
                    && (!taskConfigs.get(id.task()).equals(runner.rawConfig)
                            || !config.connectors().get(id.connector()).equals(runner.connectorConfig));
            if (gone || changed || !assignment.tasks().contains(id)) {
                stopTask(id, gone);
            }
        }
        for (String name : assignment.connectors()) {
            if (!config.contains(name)) {
                continue;
            }
            TargetState target = config.targetState(name);
            ConnectorRunner runner = connectors.get(name);
            if (runner == null) {
                startConnector(name, target);
            } else if (runner.state() != target && !runner.isFailed()) {
                runner.transitionTo(target);
                updateTaskConfigs(name);
            }
        }
        for (TaskId id : assignment.tasks()) {
            if (!config.contains(id.connector())
                    || id.task() >= config.tasks(id.connector()).size()) {
                continue;
            }
            TargetState target = config.targetState(id.connector());
            if (target == TargetState.STOPPED) {
                continue;
            }
            TaskRunner runner = tasks.get(id);
            if (runner == null) {
                startTask(id, target);
            } else if (runner.targetState != target) {
                runner.transitionTo(target);
            }
        }
    }

    private void startConnector(String name, TargetState target) {
        Map<String, String> raw = config.connectors().get(name);
        String cls = raw.get("connector.class");
        Optional<PluginDesc> plugin =
                ctx.plugins().registry().find(cls == null ? "" : cls, PluginType.SOURCE, PluginType.SINK);
        if (plugin.isEmpty()) {
            log.error("connector {}: no plugin for connector.class {}", name, cls);
            ctx.statusStore()
                    .putConnector(
                            name,
                            new Status(
                                    Status.FAILED,
                                    "org.apache.kafka.connect.errors.ConnectException: no installed plugin provides connector class "
                                            + cls + "; installed connectors: "
                                            + ctx.plugins().registry().connectorNames(),
                                    ctx.workerId()));
            return;
        }
        ConnectorRunner runner = new ConnectorRunner(name, raw, plugin.get(), ctx, this);
        connectors.put(name, runner);
        runner.start(target);
        log.info("connector {} started ({})", name, target);
        updateTaskConfigs(name);
    }

    /** Asks the connector for its task configs and stores them when they differ from the stored ones. */
    private void updateTaskConfigs(String name) {
        ConnectorRunner runner = connectors.get(name);
        if (runner == null || runner.isFailed() || !config.contains(name)) {
            return;
        }
        List<Map<String, String>> next;
        if (config.targetState(name) == TargetState.STOPPED) {
            next = List.of();
        } else {
            int max = parseTasksMax(runner.rawConfig);
            next = runner.taskConfigs(max);
            if (next == null) {
                return;
            }
        }
        if (!next.equals(config.tasks(name))) {
            ctx.configStore().putTaskConfigs(name, next);
        }
    }

    static int parseTasksMax(Map<String, String> config) {
        try {
            return Math.max(
                    1, Integer.parseInt(config.getOrDefault("tasks.max", "1").trim()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private void startTask(TaskId id, TargetState target) {
        Map<String, String> connectorConfig = config.connectors().get(id.connector());
        Map<String, String> taskConfig = config.tasks(id.connector()).get(id.task());
        Optional<PluginDesc> plugin = ctx.plugins()
                .registry()
                .find(connectorConfig.getOrDefault("connector.class", ""), PluginType.SOURCE, PluginType.SINK);
        if (plugin.isEmpty()) {
            ctx.statusStore()
                    .putTask(
                            id,
                            new Status(
                                    Status.FAILED,
                                    "org.apache.kafka.connect.errors.ConnectException: no installed plugin provides connector class "
                                            + connectorConfig.get("connector.class"),
                                    ctx.workerId()));
            return;
        }
        TaskRunner runner = plugin.get().type() == PluginType.SINK
                ? new SinkTaskRunner(id, connectorConfig, taskConfig, plugin.get(), target, ctx)
                : new SourceTaskRunner(id, connectorConfig, taskConfig, plugin.get(), target, ctx);
        tasks.put(id, runner);
        runner.start();
    }

    private void stopTask(TaskId id, boolean removed) {
        TaskRunner runner = tasks.remove(id);
        if (runner == null) {
            return;
        }
        runner.stop(removed);
        runner.awaitStop(ctx.config().getLong(WorkerConfig.TASK_SHUTDOWN_TIMEOUT_MS));
    }

    private void restart(RestartRequest request) {
        String name = request.connector();
        if (!config.contains(name)) {
            return;
        }
        if (request.task() >= 0) {
            TaskId id = new TaskId(name, request.task());
            if (tasks.containsKey(id)) {
                ctx.statusStore().putTask(id, new Status(Status.RESTARTING, null, ctx.workerId()));
                stopTask(id, false);
                reconcile();
            }
            return;
        }
        ConnectorRunner runner = connectors.get(name);
        if (runner != null && (!request.onlyFailed() || runner.isFailed())) {
            ctx.statusStore().putConnector(name, new Status(Status.RESTARTING, null, ctx.workerId()));
            runner.stop();
            connectors.remove(name);
        } else if (runner == null && assignment.connectors().contains(name)) {
            // failed before a runner existed (e.g. missing plugin): try again
        }
        if (request.includeTasks()) {
            for (TaskId id : new ArrayList<>(tasks.keySet())) {
                if (id.connector().equals(name)
                        && (!request.onlyFailed() || tasks.get(id).isFailed())) {
                    ctx.statusStore().putTask(id, new Status(Status.RESTARTING, null, ctx.workerId()));
                    stopTask(id, false);
                }
            }
        }
        reconcile();
    }

    /** True when this worker runs nothing any more (tests). */
    public boolean idle() {
        return published.connectors().isEmpty() && published.tasks().isEmpty();
    }

    @Override
    public void close() {
        closed = true;
        control.execute(() -> {
            for (TaskId id : new ArrayList<>(tasks.keySet())) {
                tasks.get(id).stop(false);
            }
            long timeout = ctx.config().getLong(WorkerConfig.TASK_SHUTDOWN_TIMEOUT_MS);
            for (TaskId id : new ArrayList<>(tasks.keySet())) {
                tasks.remove(id).awaitStop(timeout);
            }
            connectors.values().forEach(ConnectorRunner::stop);
            connectors.clear();
        });
        control.shutdown();
        try {
            control.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
