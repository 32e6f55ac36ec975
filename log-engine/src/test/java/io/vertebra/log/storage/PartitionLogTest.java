package io.vertebra.log.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.config.LogConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    final ManualTime time = new ManualTime(1_000_000);

    PartitionLog open(Map<String, String> config, boolean clean) throws IOException {
        return open(config, new PartitionLog.Checkpoints(0, 0, 0, clean));
    }

    PartitionLog open(Map<String, String> config, PartitionLog.Checkpoints checkpoints) throws IOException {
        return PartitionLog.load(TP, dir.resolve("t-0"), new LogConfig(config, Map.of()), checkpoints, time, null);
    }

    static List<String> values(Records records) {
        List<String> values = new ArrayList<>();
        for (RecordBatch batch : records.batches()) {
            for (Record r : batch) {
                byte[] b = new byte[r.valueSize()];
                r.value().get(b);
                values.add(r.offset() + ":" + new String(b, StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    @Test
    void appendsAssignOffsetsAndReadsBackAcrossSegments() throws IOException {
        try (PartitionLog log = open(Map.of("segment.bytes", "1024", "index.interval.bytes", "100"), true)) {
            for (int i = 0; i < 100; i++) {
                AppendResult r = Batches.append(log, Batches.of(time.milliseconds(), "a" + i, "b" + i));
                assertEquals(2L * i, r.firstOffset());
                assertEquals(2L * i + 1, r.lastOffset());
            }
            assertTrue(log.segmentCount() > 5, "small segments roll: " + log.segmentCount());
            assertEquals(200, log.logEndOffset());
            log.updateHighWatermark(200);
            for (long offset : new long[] {0, 1, 57, 120, 199}) {
                FetchData data = log.read(offset, 1, log.highWatermarkMetadata(), true);
                List<String> values = values(data.records());
                assertTrue(
                        values.contains(offset + ":" + (offset % 2 == 0 ? "a" : "b") + offset / 2),
                        "offset " + offset + " in " + values);
            }
            assertEquals(
                    List.of(),
                    values(log.read(200, 1000, log.highWatermarkMetadata(), true)
                            .records()));
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(201, 1000, log.logEndMetadata(), true));
        }
    }

    @Test
    void readsStopAtTheHighWatermark() throws IOException {
        try (PartitionLog log = open(Map.of(), true)) {
            Batches.append(log, Batches.of(1, "a", "b"));
            Batches.append(log, Batches.of(1, "c"));
            log.updateHighWatermark(2);
            assertEquals(
                    List.of("0:a", "1:b"),
                    values(log.read(0, 10_000, log.highWatermarkMetadata(), true)
                            .records()));
            assertEquals(
                    List.of("0:a", "1:b", "2:c"),
                    values(log.read(0, 10_000, log.logEndMetadata(), true).records()));
        }
    }

    @Test
    void reopensAfterCleanShutdownWithEverything() throws IOException {
        try (PartitionLog log = open(Map.of("segment.bytes", "2048"), true)) {
            for (int i = 0; i < 50; i++) {
                Batches.append(log, Batches.of(i, "v" + i));
            }
        }
        try (PartitionLog log = open(Map.of("segment.bytes", "2048"), new PartitionLog.Checkpoints(50, 50, 0, true))) {
            assertEquals(50, log.logEndOffset());
            assertEquals(50, log.highWatermark());
            assertEquals(
                    "0:v0",
                    values(log.read(0, 100, log.logEndMetadata(), true).records())
                            .get(0));
            assertEquals(50, Batches.append(log, Batches.of(1, "next")).firstOffset());
        }
    }

    @Test
    void recoveryTruncatesATornTailAndKeepsTheValidPrefix() throws IOException {
        Path segment;
        try (PartitionLog log = open(Map.of(), true)) {
            for (int i = 0; i < 10; i++) {
                Batches.append(log, Batches.of(i, "v" + i));
            }
            segment = dir.resolve("t-0").resolve(Segment.fileName(0, Segment.LOG_SUFFIX));
        }
        long size = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(size - 7); // a batch cut in the middle, as after a crash mid-write
        }
        try (PartitionLog log = open(Map.of(), false)) {
            assertEquals(9, log.logEndOffset(), "the torn batch is dropped, the nine before it kept");
            assertEquals(
                    9,
                    values(log.read(0, 100_000, log.logEndMetadata(), true).records())
                            .size());
            assertEquals(9, Batches.append(log, Batches.of(1, "after")).firstOffset());
        }
    }

    @Test
    void recoveryDropsABatchWhoseCrcDoesNotMatch() throws IOException {
        Path segment;
        try (PartitionLog log = open(Map.of(), true)) {
            for (int i = 0; i < 5; i++) {
                Batches.append(log, Batches.of(i, "value-" + i));
            }
            segment = dir.resolve("t-0").resolve(Segment.fileName(0, Segment.LOG_SUFFIX));
        }
        long size = Files.size(segment);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(size - 3);
            file.write('X'); // flip a byte inside the last batch's records
        }
        try (PartitionLog log = open(Map.of(), false)) {
            assertEquals(4, log.logEndOffset());
        }
    }

    @Test
    void recoveryIgnoresTrailingZerosOfAPreallocatedFile() throws IOException {
        Path segment;
        try (PartitionLog log = open(Map.of(), true)) {
            Batches.append(log, Batches.of(1, "x", "y"));
            segment = dir.resolve("t-0").resolve(Segment.fileName(0, Segment.LOG_SUFFIX));
        }
        Files.write(segment, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        try (PartitionLog log = open(Map.of(), false)) {
            assertEquals(2, log.logEndOffset());
            assertEquals(
                    List.of("0:x", "1:y"),
                    values(log.read(0, 100_000, log.logEndMetadata(), true).records()));
        }
    }

    @Test
    void retentionBySizeAndTimeDeletesOldSegmentsOnlyBelowTheHighWatermark() throws IOException {
        try (PartitionLog log = open(Map.of("segment.bytes", "1024", "retention.bytes", "3000"), true)) {
            for (int i = 0; i < 100; i++) {
                Batches.append(log, Batches.of(time.milliseconds(), "value-" + i));
            }
            assertEquals(0, log.applyRetention(time.milliseconds()), "nothing below the high watermark yet");
            log.updateHighWatermark(log.logEndOffset());
            int deleted = log.applyRetention(time.milliseconds());
            assertTrue(deleted > 0);
            assertTrue(log.size() <= 3000 + 1024, "size " + log.size());
            assertTrue(log.logStartOffset() > 0);
            assertThrows(OffsetOutOfRangeException.class, () -> log.read(0, 100, log.logEndMetadata(), true));
        }
        time.advance(10_000);
        try (PartitionLog log = open(
                Map.of("segment.bytes", "1024", "retention.ms", "5000"),
                new PartitionLog.Checkpoints(100, 100, 0, true))) {
            long end = log.logEndOffset();
            log.applyRetention(time.milliseconds());
            assertEquals(end, log.logStartOffset(), "every segment expired; the log is empty but keeps its offsets");
            assertEquals(
                    end,
                    Batches.append(log, Batches.of(time.milliseconds(), "new")).firstOffset());
        }
    }

    @Test
    void followerTruncationRemovesTheTail() throws IOException {
        try (PartitionLog log = open(Map.of("segment.bytes", "1024"), true)) {
            for (int i = 0; i < 60; i++) {
                Batches.append(log, Batches.of(1, "v" + i));
            }
            log.truncateTo(25);
            assertEquals(25, log.logEndOffset());
            assertEquals(25, Batches.append(log, Batches.of(1, "again")).firstOffset());
            assertEquals(
                    "24:v24",
                    values(log.read(24, 1, log.logEndMetadata(), true).records())
                            .get(0));
            assertEquals(
                    List.of("25:again"),
                    values(log.read(25, 1_000_000, log.logEndMetadata(), true).records()));
        }
    }

    @Test
    void timestampLookupFindsTheFirstOffsetAtOrAfter() throws IOException {
        try (PartitionLog log = open(Map.of("segment.bytes", "1024", "index.interval.bytes", "50"), true)) {
            for (int i = 0; i < 50; i++) {
                Batches.append(log, Batches.of(1000L + i * 10, "v" + i));
            }
            assertEquals(0, log.offsetForTimestamp(0).orElseThrow().offset);
            assertEquals(20, log.offsetForTimestamp(1200).orElseThrow().offset);
            assertEquals(21, log.offsetForTimestamp(1201).orElseThrow().offset);
            assertTrue(log.offsetForTimestamp(99_999).isEmpty());
            assertEquals(49, log.offsetOfMaxTimestamp().orElseThrow().offset);
        }
    }

    @Test
    void aFetchResponseEndingInPartOfABatchAppendsOnlyTheWholeBatches() throws IOException {
        org.apache.kafka.common.record.internal.MemoryRecords first = followerBatch(0, "a", "b");
        org.apache.kafka.common.record.internal.MemoryRecords second = followerBatch(2, "c", "d");
        org.apache.kafka.common.record.internal.MemoryRecords third = followerBatch(4, "e", "f");
        // what a leader sends when the fetch size ends inside the third batch
        java.nio.ByteBuffer response = java.nio.ByteBuffer.allocate(first.sizeInBytes() + second.sizeInBytes() + 30);
        response.put(first.buffer().duplicate()).put(second.buffer().duplicate());
        response.put(third.buffer().duplicate().limit(30));
        response.flip();
        try (PartitionLog log = open(Map.of(), true)) {
            log.appendAsFollower(org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(response));
            assertEquals(4, log.logEndOffset(), "the partial third batch is not part of the log");
            log.appendAsFollower(third); // the next fetch starts at the log end and brings it whole
            assertEquals(6, log.logEndOffset());
            log.updateHighWatermark(6);
            FetchData data = log.read(0, 1 << 20, log.highWatermarkMetadata(), true);
            for (RecordBatch batch : data.records().batches()) {
                batch.ensureValid();
            }
            assertEquals(List.of("0:a", "1:b", "2:c", "3:d", "4:e", "5:f"), values(data.records()));
            assertEquals(
                    first.sizeInBytes() + second.sizeInBytes() + third.sizeInBytes(),
                    data.records().sizeInBytes());
        }
    }

    private static org.apache.kafka.common.record.internal.MemoryRecords followerBatch(long offset, String... values) {
        org.apache.kafka.common.record.internal.SimpleRecord[] records =
                new org.apache.kafka.common.record.internal.SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new org.apache.kafka.common.record.internal.SimpleRecord(
                    1_000L, null, values[i].getBytes(StandardCharsets.UTF_8));
        }
        return org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                offset, org.apache.kafka.common.compress.Compression.NONE, 3, records);
    }
}
