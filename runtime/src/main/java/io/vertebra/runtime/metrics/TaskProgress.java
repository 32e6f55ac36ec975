package io.vertebra.runtime.metrics;

import java.util.List;
import java.util.Map;

/**
 * What a task's long work has done and has left, as its connector publishes it over JMX (see {@link ProgressBeans}):
 * pieces of work counted in a unit (the file source: bytes of each open file) and, for a Debezium connector, its
 * snapshot. Immutable.
 *
 * @param items the pieces of work the task reports, empty when none
 * @param snapshot the connector's snapshot, or null when it publishes none
 */
public record TaskProgress(List<Item> items, Snapshot snapshot) {
    public TaskProgress {
        items = List.copyOf(items);
    }

    /** {@code done} of {@code total} {@code unit}s of the piece of work {@code name}. */
    public record Item(String name, String unit, long done, long total) {
        public long remaining() {
            return Math.max(0, total - done);
        }
    }

    /**
     * A Debezium snapshot as its JMX bean reports it. Debezium counts the rows read per table but publishes no row
     * total (its log line {@code Exported N of M records} has PostgreSQL's estimate), so there is none here.
     */
    public record Snapshot(
            boolean running,
            boolean completed,
            long tablesTotal,
            long tablesRemaining,
            Map<String, Long> rowsScanned,
            long durationSeconds) {
        public Snapshot {
            rowsScanned = Map.copyOf(rowsScanned);
        }

        public long tablesDone() {
            return Math.max(0, tablesTotal - tablesRemaining);
        }

        public long rowsDone() {
            return rowsScanned.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
