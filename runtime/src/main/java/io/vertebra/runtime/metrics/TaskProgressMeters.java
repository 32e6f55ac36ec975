package io.vertebra.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pieces of work tasks report ({@link TaskProgress.Item}), as {@code vertebra.connect.task.progress.done} and
 * {@code .remaining} with the item's unit as the base unit (the file source: {@code
 * vertebra_connect_task_progress_remaining_bytes{connector,task,item}}). One pair of families per unit, created when
 * the unit first appears.
 *
 * <p>Not thread-safe: {@link ConnectMetrics} calls {@link #refresh} under its lock.
 */
final class TaskProgressMeters {
    static final String DONE = "vertebra.connect.task.progress.done";
    static final String REMAINING = "vertebra.connect.task.progress.remaining";

    private final MeterRegistry registry;
    private final Map<String, MultiGauge[]> byUnit = new HashMap<>();

    TaskProgressMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    void refresh(Map<io.vertebra.runtime.cluster.TaskId, List<TaskProgress.Item>> items) {
        Map<String, List<MultiGauge.Row<?>>> done = new HashMap<>();
        Map<String, List<MultiGauge.Row<?>>> remaining = new HashMap<>();
        items.forEach((task, list) -> {
            for (TaskProgress.Item item : list) {
                Tags tags = Tags.of(
                        "connector", task.connector(), "task", Integer.toString(task.task()), "item", item.name());
                done.computeIfAbsent(item.unit(), u -> new ArrayList<>()).add(MultiGauge.Row.of(tags, item.done()));
                remaining
                        .computeIfAbsent(item.unit(), u -> new ArrayList<>())
                        .add(MultiGauge.Row.of(tags, item.remaining()));
            }
        });
        for (String unit : done.keySet()) {
            gauges(unit);
        }
        byUnit.forEach((unit, gauges) -> {
            gauges[0].register(done.getOrDefault(unit, List.of()), true);
            gauges[1].register(remaining.getOrDefault(unit, List.of()), true);
        });
    }

    private MultiGauge[] gauges(String unit) {
        return byUnit.computeIfAbsent(unit, u -> new MultiGauge[] {
            MultiGauge.builder(DONE)
                    .baseUnit(u)
                    .description("Work a task has done, per piece of work it reports (the file source: bytes read"
                            + " of each open file).")
                    .register(registry),
            MultiGauge.builder(REMAINING)
                    .baseUnit(u)
                    .description("Work a task has left, per piece of work it reports (the file source: bytes not"
                            + " read yet of each open file).")
                    .register(registry)
        });
    }

    /** Removes every row (the worker stops). */
    void clear() {
        refresh(Map.of());
    }
}
