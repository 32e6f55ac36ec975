package io.vertebra.runtime.cluster;

/** One task of a connector, written {@code <connector>-<task>} as Kafka Connect does. */
public record TaskId(String connector, int task) implements Comparable<TaskId> {
    @Override
    public String toString() {
        return connector + "-" + task;
    }

    /** Parses {@code name-N} (the connector name may itself contain dashes). */
    public static TaskId parse(String text) {
        int dash = text.lastIndexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("not a task id: " + text);
        }
        return new TaskId(text.substring(0, dash), Integer.parseInt(text.substring(dash + 1)));
    }

    @Override
    public int compareTo(TaskId o) {
        int c = connector.compareTo(o.connector);
        return c != 0 ? c : Integer.compare(task, o.task);
    }
}
