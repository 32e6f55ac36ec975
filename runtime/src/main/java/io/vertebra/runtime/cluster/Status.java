package io.vertebra.runtime.cluster;

/**
 * The state of a connector or task as its worker last reported it.
 *
 * @param state {@code UNASSIGNED, RUNNING, PAUSED, FAILED, RESTARTING, STOPPED} (Kafka Connect's names)
 * @param trace the stack trace of the failure, or null
 * @param workerId the worker that reported it
 */
public record Status(String state, String trace, String workerId) {
    public static final String UNASSIGNED = "UNASSIGNED";
    public static final String RUNNING = "RUNNING";
    public static final String PAUSED = "PAUSED";
    public static final String FAILED = "FAILED";
    public static final String RESTARTING = "RESTARTING";
    public static final String STOPPED = "STOPPED";
}
