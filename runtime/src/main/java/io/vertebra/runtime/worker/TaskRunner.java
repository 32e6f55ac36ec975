package io.vertebra.runtime.worker;

import io.vertebra.runtime.cluster.Status;
import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.cluster.TaskId;
import io.vertebra.runtime.metrics.TaskMetrics;
import io.vertebra.runtime.plugins.PluginDesc;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task on its own thread: the source or sink loop plus the lifecycle both share. The worker's control thread
 * calls {@link #start}, {@link #transitionTo} and {@link #stop}; everything else runs on the task thread, whose
 * context class loader is the plugin's.
 */
abstract class TaskRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    final TaskId id;
    final Map<String, String> rawConfig;
    final Map<String, String> connectorConfig;
    final PluginDesc plugin;
    final WorkerContext ctx;
    final TaskMetrics metrics;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object pauseLock = new Object();
    volatile TargetState targetState;
    volatile boolean stopping;
    private volatile boolean failed;
    private volatile boolean removed;
    private Thread thread;

    TaskRunner(
            TaskId id,
            Map<String, String> connectorConfig,
            Map<String, String> rawConfig,
            PluginDesc plugin,
            TargetState initial,
            WorkerContext ctx,
            boolean sink) {
        this.id = id;
        this.connectorConfig = connectorConfig;
        this.rawConfig = rawConfig;
        this.plugin = plugin;
        this.targetState = initial;
        this.ctx = ctx;
        this.metrics = ctx.metrics().task(id, sink);
    }

    void start() {
        thread = new Thread(this, "task-" + id);
        thread.setContextClassLoader(plugin.loader());
        thread.start();
    }

    /** Pause or resume; the loop notices between batches. */
    void transitionTo(TargetState state) {
        targetState = state;
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
        if (state == TargetState.PAUSED) {
            report(Status.PAUSED, null);
        } else if (!failed) {
            report(Status.RUNNING, null);
        }
    }

    /** Asks the task to stop; {@code removed}: the task no longer exists, so its status goes too. */
    void stop(boolean removed) {
        this.removed = removed;
        stopping = true;
        synchronized (pauseLock) {
            pauseLock.notifyAll();
        }
        wakeup();
    }

    /** Waits for the task thread to finish; returns false if it is still running after {@code timeoutMs}. */
    boolean awaitStop(long timeoutMs) {
        try {
            boolean done = finished.await(timeoutMs, TimeUnit.MILLISECONDS);
            if (!done) {
                log.warn("task {} did not stop within {} ms; abandoning its thread", id, timeoutMs);
                thread.interrupt();
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isFailed() {
        return failed;
    }

    /** Interrupts a blocking wait of the task loop (a consumer poll, for sinks). */
    void wakeup() {}

    abstract void initializeAndStart();

    /** One iteration of the task loop. */
    abstract void iterate() throws InterruptedException;

    /** Commits what can be committed and releases everything; called on the task thread, also after a failure. */
    abstract void close(boolean failed);

    @Override
    public final void run() {
        try {
            initializeAndStart();
            report(targetState == TargetState.PAUSED ? Status.PAUSED : Status.RUNNING, null);
            while (!stopping) {
                if (targetState == TargetState.PAUSED) {
                    onPaused();
                    continue;
                }
                iterate();
            }
        } catch (Throwable t) {
            if (!stopping || !(t instanceof InterruptedException)) {
                failed = true;
                Map<String, String> raw = new java.util.LinkedHashMap<>(connectorConfig);
                raw.putAll(rawConfig);
                String trace = safeTrace(t, raw, ctx.providers());
                log.error("task {} failed: {}", id, trace);
                report(Status.FAILED, trace);
            }
        } finally {
            try {
                close(failed);
            } catch (Throwable t) {
                log.warn("error while closing task {}", id, t);
            }
            if (removed) {
                ctx.statusStore().removeTask(id);
            } else if (!failed) {
                report(Status.UNASSIGNED, null);
            }
            metrics.close();
            finished.countDown();
        }
    }

    /** While paused: idle until resumed or stopped. Sinks override to keep their consumer in the group. */
    void onPaused() throws InterruptedException {
        synchronized (pauseLock) {
            if (targetState == TargetState.PAUSED && !stopping) {
                pauseLock.wait(1000);
            }
        }
    }

    void report(String state, String trace) {
        if (failed && !Status.FAILED.equals(state)) {
            return;
        }
        ctx.statusStore().putTask(id, new Status(state, trace, ctx.workerId()));
    }

    static String trace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    /**
     * The stack trace of a failure as it may be shown (status trace, log): resolved placeholders put back and secret
     * values masked ({@link io.vertebra.runtime.config.SecretMasker}), since a plugin's exception may quote its config.
     */
    static String safeTrace(
            Throwable t, Map<String, String> raw, io.vertebra.runtime.config.ConfigProviders providers) {
        Map<String, String> resolved = providers.resolve(raw);
        String redacted = io.vertebra.runtime.config.ConfigProviders.redact(trace(t), raw, resolved);
        String masked = io.vertebra.runtime.config.SecretMasker.maskText(
                redacted, resolved, io.vertebra.runtime.config.SecretMasker.clientPasswordKeys());
        return io.vertebra.runtime.config.SecretMasker.maskText(
                masked, raw, io.vertebra.runtime.config.SecretMasker.clientPasswordKeys());
    }
}
