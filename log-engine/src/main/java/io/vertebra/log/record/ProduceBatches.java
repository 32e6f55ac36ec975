package io.vertebra.log.record;

import java.nio.ByteBuffer;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The only place that touches produced record batches before they are stored: validation and offset
 * assignment, in place on the bytes the producer sent (kafka-clients' v2 batch views). No re-encoding unless
 * the topic forces a compression codec different from the producer's.
 *
 * <p>Checks per batch: magic v2, size within {@code max.message.bytes}, CRC32C, a record count that matches
 * the last offset delta; then its records, as Kafka's LogValidator does (compressed ones through a streaming
 * decompression that never allocates a declared size, see {@link RecordsSection}): exactly the declared count,
 * each well formed, offset deltas 0..n-1, timestamps within the topic's bounds, and for compacted topics a key on
 * every record. A batch that fails is refused whole and nothing of it is stored.
 * Offsets are assigned by rewriting the batch's base offset and partition leader epoch, which the CRC does not
 * cover; log-append-time rewrites the max timestamp and recomputes the CRC (kafka-clients does both).
 */
public final class ProduceBatches {
    private ProduceBatches() {}

    /** What validation learnt about the batches of one partition's produce data. */
    public record Summary(int batches, long records, boolean hasIdempotentBatch, boolean needsRecompression) {}

    /** The rules of the topic a batch is validated against. */
    public record Rules(
            int maxBatchBytes,
            boolean compacted,
            TimestampType timestampType,
            long timestampBeforeMaxMs,
            long timestampAfterMaxMs,
            String topicCompression) {}

    /**
     * Validates every batch; throws the Kafka exception the client expects (CORRUPT_MESSAGE, RECORD_TOO_LARGE,
     * INVALID_RECORD, INVALID_TIMESTAMP, UNSUPPORTED_FOR_MESSAGE_FORMAT) naming what is wrong; a
     * {@link RecordErrors.AtRecord} names the record too.
     */
    public static Summary validate(MemoryRecords records, Rules rules, long nowMs) {
        int batches = 0;
        long count = 0;
        boolean idempotent = false;
        boolean recompress = false;
        int consumed = 0;
        ByteBuffer buffer = records.buffer();
        for (MutableRecordBatch batch : records.batches()) {
            batches++;
            int batchStart = buffer.position() + consumed;
            consumed += batch.sizeInBytes();
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new UnsupportedForMessageFormatException("record batch magic " + batch.magic()
                        + " is not supported; Kafka 4 clients send magic 2 (v2 batches)");
            }
            if (batch.sizeInBytes() > rules.maxBatchBytes()) {
                // RECORD_TOO_LARGE (MESSAGE_TOO_LARGE), not RECORD_LIST_TOO_LARGE: on this code the producer
                // splits a multi-record batch and retries, as with Kafka
                throw new RecordTooLargeException("record batch of " + batch.sizeInBytes()
                        + " bytes exceeds the topic's max.message.bytes of " + rules.maxBatchBytes());
            }
            try {
                batch.ensureValid();
            } catch (CorruptRecordException e) {
                throw new CorruptRecordException("record batch failed its CRC32C check: " + e.getMessage());
            }
            Integer batchCount = batch.countOrNull();
            long delta = batch.lastOffset() - batch.baseOffset();
            if (batchCount == null || batchCount <= 0 || delta != batchCount - 1) {
                throw new InvalidRecordException(
                        "record batch declares " + batchCount + " records but a last offset delta of " + delta);
            }
            if (batch.isControlBatch()) {
                throw new InvalidRecordException("clients may not write control batches");
            }
            if (batch.isTransactional()) {
                throw new InvalidRecordException(
                        "transactional writes are not supported yet; use an idempotent producer without"
                                + " transactional.id");
            }
            count += batchCount;
            idempotent |= batch.hasProducerId();
            if (rules.timestampType() == TimestampType.CREATE_TIME) {
                checkTimestamp(batch.maxTimestamp(), rules, nowMs);
            }
            // magic v2 (checked above) is always a DefaultRecordBatch
            RecordsSection.validate((DefaultRecordBatch) batch, buffer, batchStart, batchCount, rules, nowMs);
            recompress |= needsRecompression(batch.compressionType(), rules.topicCompression());
        }
        if (consumed != records.sizeInBytes()) {
            throw new CorruptRecordException("produce data has " + (records.sizeInBytes() - consumed)
                    + " trailing bytes that are not a complete record batch");
        }
        if (batches == 0) {
            throw new InvalidRecordException("produce data for a partition holds no record batch");
        }
        return new Summary(batches, count, idempotent, recompress);
    }

    private static void checkTimestamp(long timestamp, Rules rules, long nowMs) {
        String problem = timestampProblem(timestamp, rules, nowMs);
        if (problem != null) {
            throw new InvalidTimestampException("the batch's max " + problem);
        }
    }

    /** One record's timestamp; {@code index} is its place in the batch. */
    static void checkTimestamp(long timestamp, Rules rules, long nowMs, int index) {
        String problem = timestampProblem(timestamp, rules, nowMs);
        if (problem != null) {
            throw new RecordErrors.InvalidTimestamp(index, "record " + index + " of the batch: " + problem);
        }
    }

    private static String timestampProblem(long timestamp, Rules rules, long nowMs) {
        if (timestamp == RecordBatch.NO_TIMESTAMP) {
            return null;
        }
        if (timestamp - nowMs > rules.timestampAfterMaxMs()) {
            return "timestamp " + timestamp + " is more than " + rules.timestampAfterMaxMs()
                    + " ms in the future (message.timestamp.after.max.ms)";
        }
        if (nowMs - timestamp > rules.timestampBeforeMaxMs()) {
            return "timestamp " + timestamp + " is more than " + rules.timestampBeforeMaxMs()
                    + " ms in the past (message.timestamp.before.max.ms)";
        }
        return null;
    }

    private static boolean needsRecompression(CompressionType batchCodec, String topicCompression) {
        if ("producer".equals(topicCompression)) {
            return false;
        }
        String wanted = "uncompressed".equals(topicCompression) ? "none" : topicCompression;
        return !batchCodec.name.equals(wanted);
    }

    /**
     * Rewrites batches in the topic's codec. Only called when a topic sets {@code compression.type} to a codec
     * the producer did not use; the common path never re-encodes.
     */
    public static MemoryRecords recompress(MemoryRecords records, String topicCompression) {
        CompressionType type = "uncompressed".equals(topicCompression)
                ? CompressionType.NONE
                : CompressionType.forName(topicCompression);
        java.util.List<ByteBuffer> rebuilt = new java.util.ArrayList<>();
        int total = 0;
        for (MutableRecordBatch batch : records.batches()) {
            MemoryRecordsBuilder builder = MemoryRecords.builder(
                    ByteBuffer.allocate(batch.sizeInBytes() + 256),
                    RecordBatch.MAGIC_VALUE_V2,
                    Compression.of(type).build(),
                    batch.timestampType(),
                    0L,
                    RecordBatch.NO_TIMESTAMP,
                    batch.producerId(),
                    batch.producerEpoch(),
                    batch.baseSequence(),
                    false,
                    RecordBatch.NO_PARTITION_LEADER_EPOCH);
            for (Record record : batch) {
                builder.appendWithOffset(record.offset() - batch.baseOffset(), record);
            }
            ByteBuffer built = builder.build().buffer();
            rebuilt.add(built);
            total += built.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(total);
        rebuilt.forEach(b -> out.put(b.duplicate()));
        out.flip();
        return MemoryRecords.readableRecords(out);
    }

    /**
     * Assigns offsets from {@code firstOffset} and stamps the leader epoch; with log-append-time, the batch's max
     * timestamp becomes {@code nowMs}. Returns the offset after the last record.
     */
    public static long assignOffsets(
            MemoryRecords records, long firstOffset, int leaderEpoch, TimestampType timestampType, long nowMs) {
        long next = firstOffset;
        for (MutableRecordBatch batch : records.batches()) {
            long delta = batch.lastOffset() - batch.baseOffset();
            batch.setLastOffset(next + delta);
            batch.setPartitionLeaderEpoch(leaderEpoch);
            if (timestampType == TimestampType.LOG_APPEND_TIME) {
                batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
            }
            next += delta + 1;
        }
        return next;
    }
}
