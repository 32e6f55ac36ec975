package io.vertebra.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.vertebra.runtime.cluster.Assignment;
import io.vertebra.runtime.cluster.Status;
import io.vertebra.runtime.cluster.TaskId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Connect worker's meters, all named {@code vertebra.connect.*} (Prometheus: {@code vertebra_connect_*}; the
 * list is in docs/metrics.md): what this worker runs by state, rebalances, per-task meters ({@link TaskMetrics}),
 * snapshot progress ({@link SnapshotMeters}) and the progress tasks publish ({@link TaskProgressMeters}), both read
 * from JMX by {@link ProgressBeans}. They live in a registry the worker may share with the node's broker
 * and JVM meters; {@link #close()} removes exactly the worker's.
 *
 * <p>Counts are of what <em>this</em> worker runs, so summing a family over the nodes of a cluster gives the
 * cluster's total. Thread-safe; {@link #refresh()} (called before each scrape) reads the worker's state.
 */
public final class ConnectMetrics implements AutoCloseable {
    public static final String CONNECTORS = "vertebra.connect.connectors";
    public static final String TASKS = "vertebra.connect.tasks";
    public static final String CONNECTOR_STATE = "vertebra.connect.connector.state";
    public static final String TASK_STATE = "vertebra.connect.task.state";
    public static final String REBALANCES = "vertebra.connect.rebalances";
    public static final String WORKERS = "vertebra.connect.workers";

    /** Kafka Connect's states, each a {@code state} tag value of {@link #CONNECTORS} and {@link #TASKS}. */
    public static final List<String> STATES =
            List.of(Status.UNASSIGNED, Status.RUNNING, Status.PAUSED, Status.FAILED, Status.RESTARTING, Status.STOPPED);

    /** What the worker runs, as the meters read it. Implementations are thread-safe and do not block. */
    public interface WorkerView {
        /** This worker's latest assignment. */
        Assignment assignment();

        Optional<Status> connectorStatus(String connector);

        Map<Integer, Status> taskStatuses(String connector);

        /** The connector's config as submitted; empty when unknown. */
        Map<String, String> connectorConfig(String connector);
    }

    private final MeterRegistry registry;
    private final OwnedMeters meters;
    private final Counter rebalances;
    private final MultiGauge connectorState;
    private final MultiGauge taskState;
    private final SnapshotMeters snapshots;
    private final TaskProgressMeters taskProgress;
    private final ProgressBeans progressBeans = new ProgressBeans();
    private volatile WorkerView view;
    private volatile int members;

    public ConnectMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.meters = new OwnedMeters(registry);
        for (String state : STATES) {
            meters.own(Gauge.builder(CONNECTORS, this, m -> m.connectorsIn(state))
                    .tag("state", state)
                    .description("Connectors this worker runs, by state.")
                    .register(registry));
            meters.own(Gauge.builder(TASKS, this, m -> m.tasksIn(state))
                    .tag("state", state)
                    .description("Tasks this worker runs, by state.")
                    .register(registry));
        }
        rebalances = meters.own(Counter.builder(REBALANCES)
                .description("Assignments this worker received from its Connect group (each rebalance round).")
                .register(registry));
        meters.own(Gauge.builder(WORKERS, this, m -> m.members)
                .description("Workers in this worker's Connect group at its last rebalance.")
                .register(registry));
        connectorState = MultiGauge.builder(CONNECTOR_STATE)
                .description("1 for the state of each connector this worker runs.")
                .register(registry);
        taskState = MultiGauge.builder(TASK_STATE)
                .description("1 for the state of each task this worker runs.")
                .register(registry);
        snapshots = new SnapshotMeters(registry);
        taskProgress = new TaskProgressMeters(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The worker started ({@code view}) or stopped ({@code null}). */
    public void attach(WorkerView view) {
        this.view = view;
        if (view == null) {
            members = 0;
            refresh();
        }
    }

    /** Meters of one task: registered now, removed by {@link TaskMetrics#close()}. */
    public TaskMetrics task(TaskId id, boolean sink) {
        return new TaskMetrics(registry, id.connector(), id.task(), sink);
    }

    /** The worker received an assignment. */
    public void rebalanced(Assignment assignment) {
        rebalances.increment();
        members = assignment.memberUrls().size();
    }

    /** Brings the per-connector, per-task and snapshot rows up to date; call before reading the registry. */
    public synchronized void refresh() {
        WorkerView v = view;
        List<MultiGauge.Row<?>> connectors = new ArrayList<>();
        List<MultiGauge.Row<?>> tasks = new ArrayList<>();
        if (v != null) {
            Assignment assignment = v.assignment();
            for (String connector : assignment.connectors()) {
                connectors.add(
                        MultiGauge.Row.of(Tags.of("connector", connector, "state", connectorState(v, connector)), 1));
            }
            for (TaskId task : assignment.tasks()) {
                tasks.add(MultiGauge.Row.of(
                        Tags.of(
                                "connector",
                                task.connector(),
                                "task",
                                Integer.toString(task.task()),
                                "state",
                                taskState(v, task)),
                        1));
            }
            snapshots.refresh(snapshotsByConnector(v));
            taskProgress.refresh(progressBeans.taskItems());
        } else {
            snapshots.clear();
            taskProgress.clear();
        }
        connectorState.register(connectors, true);
        taskState.register(tasks, true);
    }

    /** Debezium's snapshot beans, keyed by the connector of their prefix (or by the prefix when none has it). */
    private Map<String, TaskProgress.Snapshot> snapshotsByConnector(WorkerView v) {
        Map<String, TaskProgress.Snapshot> out = new TreeMap<>();
        progressBeans.snapshots().forEach((prefix, snapshot) -> {
            String connector = connectorWithPrefix(v, prefix);
            out.put(connector != null ? connector : prefix, snapshot);
        });
        return out;
    }

    /**
     * The progress of the connector's tasks that run on this worker and publish some, by task: their own items
     * and, on the connector's lowest task here, its snapshot (Debezium has one per connector). Tasks running on other
     * workers are not in it: their beans live in those workers' JVMs.
     */
    public Map<Integer, TaskProgress> progress(String connector) {
        WorkerView v = view;
        if (v == null) {
            return Map.of();
        }
        Map<Integer, List<TaskProgress.Item>> items = new TreeMap<>();
        List<Integer> local = new ArrayList<>();
        for (TaskId task : v.assignment().tasks()) {
            if (task.connector().equals(connector)) {
                local.add(task.task());
            }
        }
        progressBeans.taskItems().forEach((task, list) -> {
            if (task.connector().equals(connector) && local.contains(task.task())) {
                items.put(task.task(), list);
            }
        });
        TaskProgress.Snapshot snapshot = null;
        if (!local.isEmpty()) {
            snapshot = snapshotsByConnector(v).get(connector);
        }
        Map<Integer, TaskProgress> out = new TreeMap<>();
        items.forEach((task, list) -> out.put(task, new TaskProgress(list, null)));
        if (snapshot != null) {
            int first = local.stream().min(Integer::compare).orElseThrow();
            TaskProgress own = out.get(first);
            out.put(first, new TaskProgress(own == null ? List.of() : own.items(), snapshot));
        }
        return out;
    }

    private double connectorsIn(String state) {
        WorkerView v = view;
        if (v == null) {
            return 0;
        }
        return v.assignment().connectors().stream()
                .filter(c -> state.equals(connectorState(v, c)))
                .count();
    }

    private double tasksIn(String state) {
        WorkerView v = view;
        if (v == null) {
            return 0;
        }
        return v.assignment().tasks().stream()
                .filter(t -> state.equals(taskState(v, t)))
                .count();
    }

    private static String connectorState(WorkerView v, String connector) {
        return v.connectorStatus(connector).map(Status::state).orElse(Status.UNASSIGNED);
    }

    private static String taskState(WorkerView v, TaskId task) {
        Status status = v.taskStatuses(task.connector()).get(task.task());
        return status == null ? Status.UNASSIGNED : status.state();
    }

    /** The connector of this worker whose topic prefix is {@code prefix} (Debezium's bean {@code server}). */
    private static String connectorWithPrefix(WorkerView v, String prefix) {
        for (String connector : v.assignment().connectors()) {
            Map<String, String> config = v.connectorConfig(connector);
            if (prefix.equals(config.get("topic.prefix")) || prefix.equals(config.get("database.server.name"))) {
                return connector;
            }
        }
        for (TaskId task : v.assignment().tasks()) {
            Map<String, String> config = v.connectorConfig(task.connector());
            if (prefix.equals(config.get("topic.prefix")) || prefix.equals(config.get("database.server.name"))) {
                return task.connector();
            }
        }
        return null;
    }

    /** Removes the worker's meters; the meters of tasks still running go when those tasks stop. */
    @Override
    public synchronized void close() {
        view = null;
        connectorState.register(List.of(), true);
        taskState.register(List.of(), true);
        snapshots.clear();
        taskProgress.clear();
        meters.removeAll();
    }
}
