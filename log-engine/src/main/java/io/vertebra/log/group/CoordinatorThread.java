package io.vertebra.log.group;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread ("group-coordinator") that owns all group state, with its timers. Tasks that throw are logged
 * and do not stop the thread. After {@link #close} new tasks are dropped (the broker is stopping).
 */
final class CoordinatorThread implements GroupScheduler, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CoordinatorThread.class);

    private final Time time;
    private final ScheduledThreadPoolExecutor executor;

    CoordinatorThread(Time time) {
        this.time = time;
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "group-coordinator");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public long nowMs() {
        return time.milliseconds();
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        try {
            ScheduledFuture<?> future = executor.schedule(guarded(task), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
            return () -> future.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> {};
        }
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            log.debug("group coordinator stopped; dropping a task");
        }
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                log.error("group coordinator task failed", t);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
