package io.vertebra.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one task, tagged {@code connector} and {@code task}: records through the task, errors, retries, the
 * dead letter queue, offset commits and (sinks) consumer lag. Created when the task starts and {@linkplain #close()
 * removed} when it stops, so a task that moved to another worker leaves no stale series behind.
 *
 * <p>Thread-safe: the task thread counts records and errors, the producer's I/O thread counts acknowledged records
 * and dead letter queue writes, the consumer's callback times asynchronous commits.
 */
public final class TaskMetrics implements AutoCloseable {
    public static final String SOURCE_RECORDS_POLLED = "vertebra.connect.source.records.polled";
    public static final String SOURCE_RECORDS_WRITTEN = "vertebra.connect.source.records.written";
    public static final String SINK_RECORDS_READ = "vertebra.connect.sink.records.read";
    public static final String SINK_RECORDS_PUT = "vertebra.connect.sink.records.put";
    public static final String SINK_PUT = "vertebra.connect.sink.put";
    public static final String SINK_CONSUMER_LAG = "vertebra.connect.sink.consumer.lag";
    public static final String RECORD_ERRORS = "vertebra.connect.record.errors";
    public static final String RECORDS_SKIPPED = "vertebra.connect.records.skipped";
    public static final String RETRIES = "vertebra.connect.retries";
    public static final String DLQ_RECORDS_PRODUCED = "vertebra.connect.dlq.records.produced";
    public static final String DLQ_PRODUCE_FAILURES = "vertebra.connect.dlq.produce.failures";
    public static final String OFFSET_COMMIT = "vertebra.connect.offset.commit";
    public static final String OFFSET_COMMIT_FAILURES = "vertebra.connect.offset.commit.failures";

    /** Buckets of the latency histograms: enough for {@code histogram_quantile} without hundreds of series. */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofSeconds(5),
        Duration.ofSeconds(30)
    };

    private final OwnedMeters meters;
    private final Tags tags;
    private final Counter polledOrRead;
    private final Counter writtenOrPut;
    private final Timer put;
    private final Counter skipped;
    private final Counter retries;
    private final Counter dlqProduced;
    private final Counter dlqFailures;
    private final Timer commit;
    private final Counter commitFailures;
    private final Map<String, Counter> errorsByStage = new ConcurrentHashMap<>();
    private volatile double lag = Double.NaN;

    TaskMetrics(MeterRegistry registry, String connector, int task, boolean sink) {
        this.meters = new OwnedMeters(registry);
        this.tags = Tags.of("connector", connector, "task", Integer.toString(task));
        if (sink) {
            polledOrRead = counter(SINK_RECORDS_READ, "Records the sink task's consumer read from the log.");
            writtenOrPut = counter(SINK_RECORDS_PUT, "Records handed to the sink task's put().");
            put = timer(SINK_PUT, "Time the sink task's put() took per batch.");
            meters.own(Gauge.builder(SINK_CONSUMER_LAG, this, m -> m.lag)
                    .tags(tags)
                    .baseUnit("records")
                    .description("Records in the task's assigned partitions after its committed offsets (NaN until"
                            + " known): the end offsets minus the committed offsets, or minus the position before"
                            + " the first commit.")
                    .register(registry));
            dlqProduced = counter(DLQ_RECORDS_PRODUCED, "Records written to the dead letter queue topic.");
            dlqFailures = counter(DLQ_PRODUCE_FAILURES, "Records the dead letter queue producer failed to write.");
        } else {
            polledOrRead = counter(SOURCE_RECORDS_POLLED, "Records the source task's poll() returned.");
            writtenOrPut = counter(SOURCE_RECORDS_WRITTEN, "Source records the log acknowledged.");
            put = null;
            dlqProduced = null;
            dlqFailures = null;
        }
        skipped = counter(RECORDS_SKIPPED, "Records dropped after a failure that errors.tolerance=all tolerates.");
        retries = counter(RETRIES, "Retries of operations that failed with a retriable exception.");
        commit = timer(OFFSET_COMMIT, "Time an offset commit took (source: offset topic; sink: consumer group).");
        commitFailures = counter(OFFSET_COMMIT_FAILURES, "Offset commits that failed or timed out.");
    }

    /** Meters that count into a registry of their own: for code that runs outside a worker (tests, tools). */
    public static TaskMetrics detached(String connector, int task, boolean sink) {
        return new TaskMetrics(new SimpleMeterRegistry(), connector, task, sink);
    }

    private Counter counter(String name, String description) {
        return meters.own(
                Counter.builder(name).tags(tags).description(description).register(meters.registry()));
    }

    private Timer timer(String name, String description) {
        return meters.own(Timer.builder(name)
                .tags(tags)
                .description(description)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(meters.registry()));
    }

    /** Source: records returned by one poll(). Sink: records returned by one consumer poll. */
    public void recordsIn(int count) {
        polledOrRead.increment(count);
    }

    /** Source: one record acknowledged by the log. */
    public void recordWritten() {
        writtenOrPut.increment();
    }

    /** Sink: one put() of {@code count} records that returned after {@code nanos}. */
    public void put(int count, long nanos) {
        writtenOrPut.increment(count);
        put.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Sink: records after the committed offsets; {@code NaN} when not known. */
    public void lag(double records) {
        lag = records;
    }

    /** An operation failed for good (after retries) in {@code stage}, tolerated or not. */
    public void recordError(String stage) {
        errorsByStage
                .computeIfAbsent(
                        stage,
                        s -> meters.own(Counter.builder(RECORD_ERRORS)
                                .tags(tags)
                                .tag("stage", s)
                                .description("Operations on a record that failed after retries, by pipeline stage.")
                                .register(meters.registry())))
                .increment();
    }

    public void recordSkipped() {
        skipped.increment();
    }

    public void retry() {
        retries.increment();
    }

    /** Sink: the dead letter queue producer acknowledged ({@code ok}) or failed one record. */
    public void deadLetter(boolean ok) {
        if (dlqProduced != null) {
            (ok ? dlqProduced : dlqFailures).increment();
        }
    }

    /** An offset commit that took {@code nanos} and succeeded or not. */
    public void offsetCommit(long nanos, boolean ok) {
        commit.record(nanos, TimeUnit.NANOSECONDS);
        if (!ok) {
            commitFailures.increment();
        }
    }

    /**
     * Removes the task's meters from the registry. A task thread abandoned after the shutdown timeout closes late
     * and may then remove the meters of its successor on this worker until that one restarts: counts restart from
     * zero, which Prometheus' {@code rate()} handles as a counter reset.
     */
    @Override
    public void close() {
        meters.removeAll();
    }
}
