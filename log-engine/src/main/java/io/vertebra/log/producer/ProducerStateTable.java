package io.vertebra.log.producer;

import io.vertebra.log.storage.checkpoint.CheckpointFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Idempotent-producer state of one partition: per producer id its epoch and the metadata of its last five
 * batches, so a retried batch is recognised as a duplicate (and answered with its original offset) and a gap
 * or reordering in sequence numbers is rejected with OUT_OF_ORDER_SEQUENCE_NUMBER.
 *
 * <p>The rules follow Kafka's: a producer the partition has no state for may start at any sequence (its state
 * may have been removed by retention); a new epoch must start at sequence 0; within an epoch each batch must
 * continue the last sequence (wrapping after Integer.MAX_VALUE); an older epoch is fenced
 * (INVALID_PRODUCER_EPOCH).
 *
 * <p>Threading: used under the partition log's append lock only. Rebuilt after a restart from a snapshot
 * ({@code producer-state}, written on clean shutdown) plus the batches after it.
 */
public final class ProducerStateTable {
    /** Batches remembered per producer for duplicate detection; the client keeps at most 5 in flight. */
    static final int CACHED_BATCHES = 5;

    private final Map<Long, Entry> producers = new HashMap<>();

    /** Metadata of an appended batch. */
    public record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long timestamp) {}

    private static final class Entry {
        short epoch;
        final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(CACHED_BATCHES);
        long lastTimestamp;

        Entry(short epoch) {
            this.epoch = epoch;
        }

        int lastSeq() {
            return batches.isEmpty()
                    ? RecordBatch.NO_SEQUENCE
                    : batches.peekLast().lastSeq();
        }
    }

    /**
     * Checks a batch about to be appended. Returns the metadata of the identical batch already in the log when
     * this is a retry (the caller answers with its offset and appends nothing), {@code null} when the batch may
     * be appended; throws when it must be rejected.
     */
    public BatchMetadata check(RecordBatch batch) {
        if (!batch.hasProducerId()) {
            return null;
        }
        Entry entry = producers.get(batch.producerId());
        if (entry == null) {
            return null;
        }
        short epoch = batch.producerEpoch();
        if (epoch < entry.epoch) {
            throw new InvalidProducerEpochException("producer " + batch.producerId() + " uses epoch " + epoch
                    + " but epoch " + entry.epoch + " has already written to this partition");
        }
        if (epoch == entry.epoch) {
            for (BatchMetadata cached : entry.batches) {
                if (cached.firstSeq() == batch.baseSequence() && cached.lastSeq() == batch.lastSequence()) {
                    return cached;
                }
            }
        }
        int first = batch.baseSequence();
        if (epoch > entry.epoch) {
            if (first != 0) {
                throw new OutOfOrderSequenceException("producer " + batch.producerId() + " starts epoch " + epoch
                        + " with sequence " + first + "; a new epoch must start at 0");
            }
        } else if (!inSequence(entry.lastSeq(), first)) {
            throw new OutOfOrderSequenceException("producer " + batch.producerId() + " sent sequence " + first
                    + " after " + entry.lastSeq() + " (epoch " + epoch + "); expected " + next(entry.lastSeq()));
        }
        return null;
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return lastSeq == RecordBatch.NO_SEQUENCE || nextSeq == next(lastSeq);
    }

    private static int next(int seq) {
        return seq == Integer.MAX_VALUE ? 0 : seq + 1;
    }

    /** Records an appended batch (offsets assigned). Also used to rebuild state from the log. */
    public void update(RecordBatch batch) {
        if (!batch.hasProducerId()) {
            return;
        }
        Entry entry = producers.computeIfAbsent(batch.producerId(), id -> new Entry(batch.producerEpoch()));
        if (batch.producerEpoch() > entry.epoch) {
            entry.epoch = batch.producerEpoch();
            entry.batches.clear();
        }
        if (entry.batches.size() == CACHED_BATCHES) {
            entry.batches.pollFirst();
        }
        entry.batches.addLast(new BatchMetadata(
                batch.baseSequence(),
                batch.lastSequence(),
                batch.baseOffset(),
                batch.lastOffset(),
                batch.maxTimestamp()));
        entry.lastTimestamp = Math.max(entry.lastTimestamp, batch.maxTimestamp());
    }

    /** Forgets producers that have not written for {@code expirationMs}. */
    public void expire(long nowMs, long expirationMs) {
        producers.values().removeIf(e -> nowMs - e.lastTimestamp > expirationMs);
    }

    /** Forgets batches at or after {@code offset} (log truncation); producers left with none are dropped. */
    public void truncateFrom(long offset) {
        for (Iterator<Entry> it = producers.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            e.batches.removeIf(b -> b.lastOffset() >= offset);
            if (e.batches.isEmpty()) {
                it.remove();
            }
        }
    }

    public int size() {
        return producers.size();
    }

    /** What DescribeProducers reports about one producer. */
    public record ActiveProducer(long producerId, short epoch, int lastSequence, long lastTimestamp) {}

    /** Every producer with state here, as a copy. */
    public List<ActiveProducer> activeProducers() {
        List<ActiveProducer> result = new ArrayList<>(producers.size());
        for (Map.Entry<Long, Entry> p : producers.entrySet()) {
            Entry e = p.getValue();
            result.add(new ActiveProducer(p.getKey(), e.epoch, e.lastSeq(), e.lastTimestamp));
        }
        return result;
    }

    public void clear() {
        producers.clear();
    }

    /** Writes the state as of {@code offset} to {@code file} (one line per cached batch). */
    public void writeSnapshot(Path file, long offset) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("offset " + offset);
        for (Map.Entry<Long, Entry> p : producers.entrySet()) {
            for (BatchMetadata b : p.getValue().batches) {
                lines.add(p.getKey() + " " + p.getValue().epoch + " " + b.firstSeq() + " " + b.lastSeq() + " "
                        + b.firstOffset() + " " + b.lastOffset() + " " + b.timestamp());
            }
        }
        new CheckpointFile(file, 0).write(lines);
    }

    /**
     * Loads a snapshot; returns the offset it was taken at, or -1 when there is none or it is unreadable (the
     * caller then rebuilds from the whole log).
     */
    public long readSnapshot(Path file) {
        producers.clear();
        try {
            List<String> lines = new CheckpointFile(file, 0).read();
            if (lines.isEmpty()) {
                return -1;
            }
            long offset = Long.parseLong(lines.get(0).substring("offset ".length()));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(" ");
                Entry e = producers.computeIfAbsent(Long.parseLong(f[0]), id -> new Entry(Short.parseShort(f[1])));
                BatchMetadata b = new BatchMetadata(
                        Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]),
                        Long.parseLong(f[4]),
                        Long.parseLong(f[5]),
                        Long.parseLong(f[6]));
                e.batches.addLast(b);
                e.lastTimestamp = Math.max(e.lastTimestamp, b.timestamp());
            }
            return offset;
        } catch (IOException | RuntimeException e) {
            producers.clear();
            return -1;
        }
    }
}
