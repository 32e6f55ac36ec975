package io.vertebra.runtime.errors;

import io.vertebra.runtime.metrics.TaskMetrics;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipeline operation under a connector's error policy, as Kafka Connect's error handling does: a
 * {@link RetriableException} is retried with exponential backoff (capped at {@code errors.retry.delay.max.ms})
 * until {@code errors.retry.timeout}; what still fails either fails the task ({@code errors.tolerance=none}) or is
 * logged, sent to the dead letter queue (sink records) and skipped ({@code all}).
 *
 * <p>Owned by one task thread; not thread-safe.
 */
public final class ErrorHandler {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    private final String connector;
    private final int task;
    private final ErrorPolicy policy;
    private final DeadLetterQueue dlq;
    private final BooleanSupplier stopping;
    private final TaskMetrics metrics;
    private long skipped;

    /** {@code metrics}: where retries, errors and skipped records are counted. */
    public ErrorHandler(
            String connector,
            int task,
            ErrorPolicy policy,
            DeadLetterQueue dlq,
            BooleanSupplier stopping,
            TaskMetrics metrics) {
        this.connector = connector;
        this.task = task;
        this.policy = policy;
        this.dlq = dlq;
        this.stopping = stopping;
        this.metrics = metrics;
    }

    public static ErrorHandler failFast(String connector, int task) {
        return new ErrorHandler(
                connector,
                task,
                ErrorPolicy.failFast(),
                null,
                () -> false,
                TaskMetrics.detached(connector, task, false));
    }

    public ErrorPolicy policy() {
        return policy;
    }

    public long skipped() {
        return skipped;
    }

    /**
     * Runs {@code op}; returns its result, or {@code null} when it failed and the failure was tolerated. Throws a
     * {@link ConnectException} when the failure is not tolerated.
     */
    public <T> T execute(Stage stage, Class<?> executing, Object original, Callable<T> op) {
        long start = System.currentTimeMillis();
        long delay = 300;
        while (true) {
            try {
                return op.call();
            } catch (RetriableException e) {
                long elapsed = System.currentTimeMillis() - start;
                boolean retryForever = policy.retryTimeoutMs() < 0;
                if ((retryForever || elapsed + delay <= policy.retryTimeoutMs()) && !stopping.getAsBoolean()) {
                    metrics.retry();
                    sleep(delay);
                    delay = Math.min(delay * 2, Math.max(1, policy.retryDelayMaxMs()));
                    continue;
                }
                return fail(stage, executing, original, e);
            } catch (Exception e) {
                return fail(stage, executing, original, e);
            }
        }
    }

    /** Reports a failure that happened outside {@link #execute} (e.g. a record the task reported as errant). */
    public void report(Stage stage, Class<?> executing, Object original, Throwable error) {
        fail(stage, executing, original, error);
    }

    private <T> T fail(Stage stage, Class<?> executing, Object original, Throwable error) {
        metrics.recordError(stage.name());
        if (!policy.tolerateAll()) {
            throw new ConnectException("Tolerance exceeded in error handler", error);
        }
        skipped++;
        metrics.recordSkipped();
        if (policy.log()) {
            log.error(
                    "Error in stage {} ({}) of connector {} task {}{}",
                    stage,
                    executing.getName(),
                    connector,
                    task,
                    policy.logMessages() && original != null ? " for record " + describe(original) : "",
                    error);
        }
        if (dlq != null && original instanceof ConsumerRecord<?, ?> consumed) {
            @SuppressWarnings("unchecked")
            ConsumerRecord<byte[], byte[]> raw = (ConsumerRecord<byte[], byte[]>) consumed;
            dlq.send(raw, stage, executing, error);
        }
        return null;
    }

    private static String describe(Object record) {
        if (record instanceof ConsumerRecord<?, ?> r) {
            return "{topic='" + r.topic() + "', partition=" + r.partition() + ", offset=" + r.offset() + "}";
        }
        return String.valueOf(record);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while waiting to retry", e);
        }
    }
}
