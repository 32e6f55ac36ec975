package io.vertebra.log.group;

/**
 * Time, timers and the one thread that owns every group's state. The coordinator's state classes call it from
 * that thread; tasks it runs ({@link #schedule}, {@link #execute}) run on that thread too, so group state needs
 * no locks. Production uses {@link CoordinatorThread}; tests use a manual clock that runs due tasks when the
 * test advances time.
 */
public interface GroupScheduler {
    /** A scheduled task that may still be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Stops the task if it has not run yet; harmless when it has. */
        void cancel();
    }

    long nowMs();

    /** Runs {@code task} on the coordinator thread after {@code delayMs}. */
    Cancellable schedule(long delayMs, Runnable task);

    /** Runs {@code task} on the coordinator thread as soon as it is free (used to come back from other threads). */
    void execute(Runnable task);
}
