package io.vertebra.log.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where the records of a batch are found: several batches in one partition's data, in a buffer that starts
 * inside a larger array (a slice of the request) or off the heap. The broker-level cases are in
 * {@code PoisonBatchesTest}.
 */
class ProduceBatchesTest {
    private static final ProduceBatches.Rules RULES = new ProduceBatches.Rules(
            1 << 20, false, TimestampType.CREATE_TIME, Long.MAX_VALUE, Long.MAX_VALUE, "producer");

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void batchesAreFoundWhereverTheBufferLives(CompressionType codec) {
        byte[] two = concat(batch(codec, "a", "b"), batch(codec, "c", "d", "e"));
        for (ByteBuffer buffer : placements(two)) {
            ProduceBatches.Summary summary =
                    ProduceBatches.validate(MemoryRecords.readableRecords(buffer), RULES, System.currentTimeMillis());
            assertEquals(2, summary.batches());
            assertEquals(5, summary.records());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aBadSecondBatchIsFoundWhereverTheBufferLives(CompressionType codec) {
        byte[] good = batch(codec, "a", "b");
        byte[] bad = batch(codec, "c", "d", "e");
        // one record fewer in the header than in the section, CRC recomputed: only the walk sees it
        ByteBuffer b = ByteBuffer.wrap(bad);
        b.putInt(57, 2); // record count
        b.putInt(23, 1); // last offset delta
        org.apache.kafka.common.record.internal.DefaultRecordBatch batch =
                (org.apache.kafka.common.record.internal.DefaultRecordBatch)
                        MemoryRecords.readableRecords(ByteBuffer.wrap(bad))
                                .batches()
                                .iterator()
                                .next();
        long crc = org.apache.kafka.common.utils.Crc32C.compute(ByteBuffer.wrap(bad), 21, bad.length - 21);
        b.putInt(17, (int) crc);
        assertEquals(true, batch.isValid());
        for (ByteBuffer buffer : placements(concat(good, bad))) {
            assertThrows(
                    CorruptRecordException.class,
                    () -> ProduceBatches.validate(
                            MemoryRecords.readableRecords(buffer), RULES, System.currentTimeMillis()));
        }
    }

    private static ByteBuffer[] placements(byte[] bytes) {
        ByteBuffer heap = ByteBuffer.wrap(bytes);
        byte[] larger = new byte[bytes.length + 20];
        System.arraycopy(bytes, 0, larger, 13, bytes.length);
        ByteBuffer slice = ByteBuffer.wrap(larger, 13, bytes.length).slice();
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        return new ByteBuffer[] {heap, slice, direct};
    }

    private static byte[] batch(CompressionType codec, String... values) {
        long now = System.currentTimeMillis();
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(now, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer b = MemoryRecords.withRecords(Compression.of(codec).build(), records)
                .buffer();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
