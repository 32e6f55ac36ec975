package io.vertebra.connect.file.source;

import java.util.List;

/**
 * The progress a source task publishes over JMX, for any worker (or JMX tool) to read. The bean is named
 * {@code vertebra.connect:type=task-progress,connector=<quoted connector name>,task=<task id>}; its one attribute,
 * {@code Items}, is an array of composite values with the keys {@code name}, {@code unit}, {@code done} and
 * {@code total}. The Vertebra worker reads beans of this shape into {@code GET /connectors/{name}/status} and
 * {@code /metrics} (docs/metrics.md, "Task progress"); Kafka Connect ignores them.
 *
 * <p>Called on JMX threads, never the task thread.
 */
public interface TaskProgressMXBean {
    /** One entry per piece of work the task is doing now (for the file source: per open file, in bytes). */
    List<ProgressItem> getItems();

    /** One piece of work: {@code done} of {@code total} {@code unit}s. */
    final class ProgressItem {
        private final String name;
        private final String unit;
        private final long done;
        private final long total;

        public ProgressItem(String name, String unit, long done, long total) {
            this.name = name;
            this.unit = unit;
            this.done = done;
            this.total = total;
        }

        public String getName() {
            return name;
        }

        public String getUnit() {
            return unit;
        }

        public long getDone() {
            return done;
        }

        public long getTotal() {
            return total;
        }
    }
}
