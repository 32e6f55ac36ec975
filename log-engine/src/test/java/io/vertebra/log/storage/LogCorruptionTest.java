package io.vertebra.log.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.config.LogConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, finding 8: a flipped byte in the middle of a segment followed by an unclean restart must not cost the
 * valid batches after it. Recovery truncates only a real torn tail; corruption with valid data after it
 * quarantines the segment, keeps the partition offline with an error naming offsets and bytes, and
 * {@link LogRepair} brings the valid batches back.
 */
class LogCorruptionTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;

    final ManualTime time = new ManualTime(1_000_000);

    Path partitionDir() {
        return dir.resolve("t-0");
    }

    PartitionLog open(Map<String, String> config, boolean clean) throws IOException {
        return PartitionLog.load(
                TP,
                partitionDir(),
                new LogConfig(config, Map.of()),
                new PartitionLog.Checkpoints(0, 0, 0, clean),
                time,
                null);
    }

    /** Writes {@code count} one-record batches "v0".."v{count-1}"; returns each batch's start position in segment 0. */
    List<Long> write(Map<String, String> config, int count) throws IOException {
        try (PartitionLog log = open(config, true)) {
            for (int i = 0; i < count; i++) {
                Batches.append(log, Batches.of(i, "value-" + i));
            }
        }
        List<Long> positions = new ArrayList<>();
        long position = 0;
        try (var records = org.apache.kafka.common.record.internal.FileRecords.open(
                segmentFile(0).toFile())) {
            for (FileChannelRecordBatch batch : records.batches()) {
                positions.add(position);
                position += batch.sizeInBytes();
            }
        }
        return positions;
    }

    Path segmentFile(long base) {
        return partitionDir().resolve(Segment.fileName(base, Segment.LOG_SUFFIX));
    }

    static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x5A);
        }
    }

    List<String> readAll(PartitionLog log) {
        List<String> values = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            List<String> chunk = PartitionLogTest.values(
                    log.read(offset, 1 << 20, log.logEndMetadata(), true).records());
            if (chunk.isEmpty()) {
                break;
            }
            values.addAll(chunk);
            String last = chunk.get(chunk.size() - 1);
            offset = Long.parseLong(last.substring(0, last.indexOf(':'))) + 1;
        }
        return values;
    }

    @Test
    void aFlippedByteInTheMiddleQuarantinesTheSegmentInsteadOfTruncatingTheValidBatchesAfterIt() throws IOException {
        List<Long> positions = write(Map.of(), 100);
        long segmentSize = Files.size(segmentFile(0));
        byte[] before = Files.readAllBytes(segmentFile(0));
        long badPosition = positions.get(40);
        flipByte(segmentFile(0), badPosition + 70); // inside batch 40's record, covered by its CRC

        CorruptLogException error = assertThrows(CorruptLogException.class, () -> open(Map.of(), false));
        String message = error.getMessage();
        assertTrue(message.contains("at byte " + badPosition + " where offset 40 should start"), message);
        assertTrue(message.contains("a valid batch follows at byte " + positions.get(41) + " (offset 41)"), message);
        assertTrue(message.contains("not a torn tail"), message);

        assertFalse(Files.exists(segmentFile(0)), "the corrupt segment left the partition directory");
        Path quarantine = Quarantine.latest(partitionDir());
        assertNotNull(quarantine);
        Path kept = quarantine.resolve(Segment.fileName(0, Segment.LOG_SUFFIX));
        assertEquals(segmentSize, Files.size(kept), "nothing truncated: the quarantined file is whole");
        byte[] after = Files.readAllBytes(kept);
        before[(int) badPosition + 70] ^= 0x5A;
        assertArrayEquals(before, after, "the quarantined segment holds exactly the bytes found on disk");
        assertTrue(Files.readString(quarantine.resolve(Quarantine.REASON)).contains("offset 40"));

        CorruptLogException again = assertThrows(CorruptLogException.class, () -> open(Map.of(), true));
        assertTrue(again.getMessage().contains("offset 40"), "the partition stays offline, even after a clean stop");
    }

    @Test
    void aTornTailIsStillTruncated() throws IOException {
        List<Long> positions = write(Map.of(), 20);
        long size = Files.size(segmentFile(0));
        long lastBatch = positions.get(19);
        try (RandomAccessFile file = new RandomAccessFile(segmentFile(0).toFile(), "rw")) {
            file.setLength(lastBatch + (size - lastBatch) / 2); // half of the last batch written
        }
        try (PartitionLog log = open(Map.of(), false)) {
            assertEquals(19, log.logEndOffset());
            assertEquals(19, readAll(log).size());
            assertEquals(lastBatch, Files.size(segmentFile(0)));
        }
        assertFalse(Quarantine.isQuarantined(partitionDir()));
    }

    @Test
    void aCorruptLastBatchWithZerosAfterItIsATornTail() throws IOException {
        List<Long> positions = write(Map.of(), 10);
        flipByte(segmentFile(0), positions.get(9) + 70);
        Files.write(segmentFile(0), new byte[8192], java.nio.file.StandardOpenOption.APPEND);
        try (PartitionLog log = open(Map.of(), false)) {
            assertEquals(9, log.logEndOffset());
        }
        assertFalse(Quarantine.isQuarantined(partitionDir()));
    }

    @Test
    void corruptionInAnOlderSegmentQuarantinesItAndTheLaterOnesAndKeepsTheEarlierOnes() throws IOException {
        Map<String, String> small = Map.of("segment.bytes", "1024");
        try (PartitionLog log = open(small, true)) {
            for (int i = 0; i < 60; i++) {
                Batches.append(log, Batches.of(i, "value-" + i));
            }
            assertTrue(log.segmentCount() >= 4, "segments: " + log.segmentCount());
        }
        List<Long> bases = new ArrayList<>();
        try (var files = Files.list(partitionDir())) {
            files.filter(f -> f.toString().endsWith(Segment.LOG_SUFFIX))
                    .forEach(f -> bases.add(Segment.baseOffsetOf(f)));
        }
        bases.sort(Long::compare);
        long corruptBase = bases.get(1);
        // the last batch of segment 1: the later segments hold valid data, so this is not a torn tail either
        flipByte(segmentFile(corruptBase), Files.size(segmentFile(corruptBase)) - 3);

        CorruptLogException error = assertThrows(
                CorruptLogException.class,
                () -> PartitionLog.load(
                        TP,
                        partitionDir(),
                        new LogConfig(small, Map.of()),
                        new PartitionLog.Checkpoints(corruptBase, 0, 0, false),
                        time,
                        null));
        assertTrue(
                error.getMessage().contains("later segments hold data from offset " + bases.get(2)),
                error.getMessage());
        assertTrue(Files.exists(segmentFile(bases.get(0))), "the segment before the corruption stays");
        for (long base : bases.subList(1, bases.size())) {
            assertFalse(Files.exists(segmentFile(base)), "segment " + base + " quarantined");
            assertTrue(Files.exists(
                    Quarantine.latest(partitionDir()).resolve(Segment.fileName(base, Segment.LOG_SUFFIX))));
        }
    }

    @Test
    void repairKeepsEveryValidBatchBeforeAndAfterTheCorruption() throws IOException {
        List<Long> positions = write(Map.of(), 100);
        flipByte(segmentFile(0), positions.get(40) + 70);
        assertThrows(CorruptLogException.class, () -> open(Map.of(), false));

        LogRepair.Result result = LogRepair.repair(partitionDir(), LogRepair.Mode.KEEP_VALID);
        assertEquals(99, result.batches(), result.toString());
        assertEquals(1, result.skipped().size(), result.toString());
        assertEquals(positions.get(40), result.skipped().get(0).fromByte());
        assertEquals(positions.get(41), result.skipped().get(0).toByte());
        assertFalse(Quarantine.isQuarantined(partitionDir()));

        try (PartitionLog log = open(Map.of(), false)) {
            assertEquals(100, log.logEndOffset(), "the offsets after the corruption are kept");
            List<String> values = readAll(log);
            assertEquals(99, values.size());
            assertEquals("39:value-39", values.get(39));
            assertEquals("41:value-41", values.get(40), "offset 40 is a gap, the batches after it are back");
            assertEquals("99:value-99", values.get(98));
            assertEquals(100, Batches.append(log, Batches.of(1, "next")).firstOffset());
        }
        assertTrue(
                Files.exists(Quarantine.latest(partitionDir()).resolve(Segment.fileName(0, Segment.LOG_SUFFIX))),
                "the quarantined file stays for inspection");
    }

    @Test
    void repairCanTruncateAtTheCorruption() throws IOException {
        List<Long> positions = write(Map.of(), 50);
        flipByte(segmentFile(0), positions.get(30) + 70);
        assertThrows(CorruptLogException.class, () -> open(Map.of(), false));

        LogRepair.Result result = LogRepair.repair(partitionDir(), LogRepair.Mode.TRUNCATE);
        assertEquals(30, result.batches());
        try (PartitionLog log = open(Map.of(), false)) {
            assertEquals(30, log.logEndOffset());
            assertEquals("29:value-29", readAll(log).get(29));
        }
        assertThrows(IllegalArgumentException.class, () -> LogRepair.repair(partitionDir(), LogRepair.Mode.TRUNCATE));
    }

    @Test
    void aCleanShutdownDoesNotRescan() throws IOException {
        List<Long> positions = write(Map.of(), 20);
        flipByte(segmentFile(0), positions.get(5) + 70);
        try (PartitionLog log = open(Map.of(), true)) {
            assertEquals(20, log.logEndOffset(), "after a clean shutdown the log is trusted as written");
        }
    }

    @Test
    void theLogDirectoryKeepsServingTheOtherPartitionsAndDoesNotMarkACleanShutdown() throws IOException {
        Path logDir = dir.resolve("logdir");
        TopicPartition good = new TopicPartition("good", 0);
        TopicPartition bad = new TopicPartition("bad", 0);
        TopicPartition broken = new TopicPartition("broken", 0);
        LogConfig config = new LogConfig(Map.of(), Map.of());
        Uuid id = Uuid.randomUuid();
        try (LogDirectory logs = new LogDirectory(logDir, time)) {
            for (TopicPartition tp : List.of(good, bad, broken)) {
                PartitionLog log = logs.openLog(tp, id, config);
                for (int i = 0; i < 20; i++) {
                    Batches.append(log, Batches.of(i, tp.topic() + "-" + i));
                }
            }
        }
        Files.delete(logDir.resolve(".clean-shutdown")); // as after a kill
        Path badSegment = logDir.resolve("bad-0").resolve(Segment.fileName(0, Segment.LOG_SUFFIX));
        flipByte(badSegment, Files.size(badSegment) / 2);
        // a segment that cannot be opened: its .log name is taken by a directory
        Path brokenSegment = logDir.resolve("broken-0").resolve(Segment.fileName(0, Segment.LOG_SUFFIX));
        Files.delete(brokenSegment);
        Files.createDirectory(brokenSegment);

        try (LogDirectory logs = new LogDirectory(logDir, time)) {
            assertEquals(20, logs.openLog(good, id, config).logEndOffset());
            assertThrows(CorruptLogException.class, () -> logs.openLog(bad, id, config));
            KafkaStorageException unopenable =
                    assertThrows(KafkaStorageException.class, () -> logs.openLog(broken, id, config));
            assertTrue(unopenable.getMessage().contains("cannot open the log of broken-0"), unopenable.getMessage());
            assertEquals(java.util.Set.of(bad, broken), logs.offline().keySet());
            assertTrue(
                    logs.offline().get(bad).contains("not a torn tail"),
                    logs.offline().get(bad));
            assertTrue(logs.isQuarantined(bad));
        }
        assertFalse(
                Files.exists(logDir.resolve(".clean-shutdown")),
                "offline partitions leave the next start unclean, so they are recovered");
    }
}
