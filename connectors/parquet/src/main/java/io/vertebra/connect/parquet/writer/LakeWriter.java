package io.vertebra.connect.parquet.writer;

import io.vertebra.connect.parquet.store.LakeStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All topic partitions of one task: recovers them from the store when they are assigned, routes records to
 * their {@link TopicPartitionWriter}, and handles store failures without losing or duplicating records.
 *
 * <p>A partition is either <em>writing</em> or <em>recovering</em>. A store failure aborts the partition's
 * pending commit, pauses the partition and schedules a recovery after a backoff (doubling per failure in a
 * row). Recovery reads the resume offset back from the store ({@link PartitionRecovery}) and rewinds the
 * consumer there with {@link SinkTaskContext#offset}; records that arrive meanwhile are dropped, since they will
 * come again. After {@code store.retries} failures in a row without a successful commit the task fails with a
 * message naming the store and the cause.
 *
 * <p>Called by the task thread only (every {@code SinkTask} method runs there); blocks on the store.
 */
public final class LakeWriter {
    private static final Logger log = LoggerFactory.getLogger(LakeWriter.class);

    private final LakeStore store;
    private final WriterSettings settings;
    private final SinkTaskContext context;
    private final ErrantRecordReporter badRecords;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

    public LakeWriter(LakeStore store, WriterSettings settings, SinkTaskContext context) {
        this.store = store;
        this.settings = settings;
        this.context = context;
        this.badRecords = errantRecordReporter(context);
    }

    /** The worker's reporter when the connector tolerates errors (errors.tolerance=all), else null. */
    private static ErrantRecordReporter errantRecordReporter(SinkTaskContext context) {
        try {
            return context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            return null; // a worker older than Kafka 2.6
        }
    }

    /** Takes over newly assigned partitions: recovers them from the store and rewinds the consumer. */
    public void open(Collection<TopicPartition> assigned) {
        long now = settings.clock().millis();
        for (TopicPartition tp : assigned) {
            PartitionState previous = partitions.put(tp, new PartitionState(tp, now));
            if (previous != null && previous.writer != null) {
                previous.writer.abort(); // assigned again without a close: start over from the store
            }
        }
        recoverDue(now, false);
    }

    public void put(Collection<SinkRecord> records) {
        long now = settings.clock().millis();
        recoverDue(now, true);
        for (SinkRecord record : records) {
            PartitionState state =
                    partitions.get(new TopicPartition(record.originalTopic(), record.originalKafkaPartition()));
            if (state == null || state.skipRestOfBatch) {
                continue;
            }
            if (state.writer == null) {
                state.lowerRewindFloor(record.originalKafkaOffset());
                continue;
            }
            try {
                state.writer.write(record, now);
            } catch (IOException | RuntimeException e) {
                handleFailure(state, e, record.originalKafkaOffset(), now);
            }
        }
        for (PartitionState state : partitions.values()) {
            if (state.writer != null && !state.skipRestOfBatch) {
                try {
                    state.writer.rotateOnSchedule(now);
                } catch (IOException | RuntimeException e) {
                    handleFailure(state, e, -1, now);
                }
            }
            state.skipRestOfBatch = false;
            state.noteProgress();
        }
    }

    /** The offsets the store holds everything below, for the framework to commit to Kafka. */
    public Map<TopicPartition, OffsetAndMetadata> publishedOffsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState state : partitions.values()) {
            if (state.writer != null && state.writer.publishedNext() >= 0) {
                offsets.put(state.tp, new OffsetAndMetadata(state.writer.publishedNext()));
            }
        }
        return offsets;
    }

    /** Publishes what revoked partitions have pending (best effort: a failure only loses the pending work). */
    public void close(Collection<TopicPartition> revoked) {
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.remove(tp);
            if (state == null || state.writer == null) {
                continue;
            }
            try {
                state.writer.commit();
            } catch (IOException | RuntimeException e) {
                log.warn(
                        "Could not publish the pending files of {} to {} on close; the next owner rewrites them",
                        tp,
                        store.url(),
                        e);
                state.writer.abort();
            }
        }
    }

    /** Drops everything pending without publishing it. */
    public void abortAll() {
        for (PartitionState state : partitions.values()) {
            if (state.writer != null) {
                state.writer.abort();
            }
        }
        partitions.clear();
    }

    private void recoverDue(long now, boolean inBatch) {
        Map<String, List<PartitionState>> dueByTopic = new HashMap<>();
        for (PartitionState state : partitions.values()) {
            if (state.writer == null && state.retryAtMs <= now) {
                dueByTopic
                        .computeIfAbsent(state.tp.topic(), t -> new ArrayList<>())
                        .add(state);
            }
        }
        for (Map.Entry<String, List<PartitionState>> due : dueByTopic.entrySet()) {
            Set<Integer> numbers = new TreeSet<>();
            due.getValue().forEach(s -> numbers.add(s.tp.partition()));
            Map<Integer, Long> resume;
            try {
                resume = PartitionRecovery.resumeOffsets(store, due.getKey(), numbers);
            } catch (IOException | RuntimeException e) {
                for (PartitionState state : due.getValue()) {
                    handleFailure(state, e, -1, now);
                }
                continue;
            }
            for (PartitionState state : due.getValue()) {
                long storeNext = resume.get(state.tp.partition());
                state.writer = new TopicPartitionWriter(state.tp, store, settings, badRecords, storeNext);
                state.commitsAtLastCheck = 0;
                long rewindTo = storeNext >= 0 ? storeNext : state.rewindFloor;
                if (rewindTo >= 0) {
                    context.offset(state.tp, rewindTo);
                    state.skipRestOfBatch = inBatch;
                    log.info("{} resumes at offset {} (read back from {})", state.tp, rewindTo, store.url());
                }
                state.rewindFloor = -1;
                if (state.paused) {
                    context.resume(state.tp);
                    state.paused = false;
                }
            }
        }
    }

    private void handleFailure(PartitionState state, Exception e, long failedOffset, long now) {
        if (!isStoreFailure(e)) {
            abortAll();
            throw e instanceof RuntimeException runtime ? runtime : new ConnectException(e);
        }
        if (state.writer != null) {
            state.lowerRewindFloor(state.writer.pendingFirstOffset());
            state.writer.abort();
            state.writer = null;
        }
        state.lowerRewindFloor(failedOffset);
        state.failures++;
        if (state.failures > settings.storeRetries()) {
            abortAll();
            throw new ConnectException(
                    "The Parquet sink cannot write " + state.tp + " to the store " + store.url() + " after "
                            + state.failures + " attempts (store.retries=" + settings.storeRetries() + "): "
                            + describe(e),
                    e);
        }
        long backoff = settings.backoffMs(state.failures);
        state.retryAtMs = now + backoff;
        if (!state.paused) {
            context.pause(state.tp);
            state.paused = true;
        }
        log.warn(
                "Store {} failed for {} (attempt {} of {}): {}; retrying in {} ms",
                store.url(),
                state.tp,
                state.failures,
                settings.storeRetries() + 1,
                describe(e),
                backoff);
    }

    /** I/O trouble (retried) as opposed to a bad record or a bug (which fail the task at once). */
    static boolean isStoreFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 600; t = t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }

    /** Per-partition bookkeeping of the task thread. */
    private static final class PartitionState {
        final TopicPartition tp;
        /** Null while recovering. */
        TopicPartitionWriter writer;

        long retryAtMs;
        int failures;
        boolean paused;
        /** Lowest offset seen but not published since the last failure; where to rewind if the store is empty. */
        long rewindFloor = -1;
        /** Set after a rewind inside put(): the rest of the batch for this partition comes again. */
        boolean skipRestOfBatch;

        long commitsAtLastCheck;

        PartitionState(TopicPartition tp, long now) {
            this.tp = tp;
            this.retryAtMs = now;
        }

        void lowerRewindFloor(long offset) {
            if (offset >= 0 && (rewindFloor < 0 || offset < rewindFloor)) {
                rewindFloor = offset;
            }
        }

        /** A published commit ends a run of failures. */
        void noteProgress() {
            if (writer != null && writer.commits() != commitsAtLastCheck) {
                commitsAtLastCheck = writer.commits();
                failures = 0;
            }
        }
    }
}
