package io.vertebra.log.storage.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.config.LogConfig;
import io.vertebra.log.storage.Batches;
import io.vertebra.log.storage.LogDirectory;
import io.vertebra.log.storage.ManualTime;
import io.vertebra.log.storage.PartitionLog;
import io.vertebra.log.storage.Segment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCleanerTest {
    @TempDir
    Path dir;

    final ManualTime time = new ManualTime(1_000_000_000L);

    private static final Map<String, String> COMPACT = Map.of(
            "cleanup.policy",
            "compact",
            "segment.bytes",
            "2048",
            "min.cleanable.dirty.ratio",
            "0.01",
            "delete.retention.ms",
            "1000");

    /** offset → key=value (null value shown as "null"), read from every segment. */
    static TreeMap<Long, String> contents(PartitionLog log) {
        TreeMap<Long, String> all = new TreeMap<>();
        for (Segment segment : log.segments()) {
            for (FileChannelRecordBatch batch : segment.batches()) {
                for (Record r : batch) {
                    String key = StandardCharsets.UTF_8.decode(r.key()).toString();
                    String value = r.hasValue()
                            ? StandardCharsets.UTF_8.decode(r.value()).toString()
                            : "null";
                    all.put(r.offset(), key + "=" + value);
                }
            }
        }
        return all;
    }

    @Test
    void keepsTheLatestValuePerKeyAndKeepsOffsets() throws Exception {
        try (LogDirectory logDir = new LogDirectory(dir, time)) {
            PartitionLog log =
                    logDir.openLog(new TopicPartition("c", 0), Uuid.randomUuid(), new LogConfig(COMPACT, Map.of()));
            Map<String, Long> expected = new LinkedHashMap<>();
            for (int i = 0; i < 400; i++) {
                String key = "key" + (i % 10);
                long offset = Batches.append(log, Batches.keyed(time.milliseconds(), key, "v" + i))
                        .firstOffset();
                expected.put(key, offset);
            }
            log.updateHighWatermark(log.logEndOffset());
            int segmentsBefore = log.segmentCount();
            long endBefore = log.logEndOffset();
            new LogCleaner(logDir, time, 1000).clean(log);

            TreeMap<Long, String> after = contents(log);
            assertTrue(log.segmentCount() < segmentsBefore, "segments merged: " + log.segmentCount());
            assertEquals(endBefore, log.logEndOffset(), "compaction never changes the log end");
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                assertTrue(after.containsKey(e.getValue()), "latest offset of " + e.getKey() + " kept");
            }
            // below the active segment, each key appears once
            long activeBase = log.segments().get(log.segments().size() - 1).baseOffset();
            Map<String, Integer> counts = new TreeMap<>();
            after.headMap(activeBase).values().forEach(kv -> counts.merge(kv.split("=")[0], 1, Integer::sum));
            counts.values().forEach(c -> assertEquals(1, c, "one record per key in cleaned segments: " + counts));
            // reads by offset still work after the swap
            assertEquals(after.firstEntry().getValue(), readFirst(log, after.firstKey()));
        }
    }

    private static String readFirst(PartitionLog log, long offset) {
        for (var batch :
                log.read(offset, 100_000, log.logEndMetadata(), true).records().batches()) {
            for (Record r : batch) {
                if (r.offset() >= offset) {
                    return StandardCharsets.UTF_8.decode(r.key()) + "=" + StandardCharsets.UTF_8.decode(r.value());
                }
            }
        }
        return null;
    }

    @Test
    void tombstonesAreKeptForTheDeleteRetentionThenDropped() throws Exception {
        try (LogDirectory logDir = new LogDirectory(dir, time)) {
            PartitionLog log =
                    logDir.openLog(new TopicPartition("c", 0), Uuid.randomUuid(), new LogConfig(COMPACT, Map.of()));
            Batches.append(log, Batches.keyed(time.milliseconds(), "gone", "value"));
            Batches.append(log, Batches.keyed(time.milliseconds(), "gone", null));
            for (int i = 0; i < 200; i++) {
                Batches.append(log, Batches.keyed(time.milliseconds(), "other" + (i % 3), "x" + i));
            }
            log.updateHighWatermark(log.logEndOffset());
            LogCleaner cleaner = new LogCleaner(logDir, time, 1000);
            cleaner.clean(log);
            assertTrue(contents(log).containsValue("gone=null"), "tombstone kept within delete.retention.ms");
            assertTrue(!contents(log).containsValue("gone=value"), "the value it deletes is gone");

            time.advance(2000);
            cleaner.clean(log);
            assertTrue(!contents(log).containsValue("gone=null"), "tombstone dropped after delete.retention.ms");
        }
    }

    @Test
    void anInterruptedSwapIsCompletedOnRestart() throws Exception {
        TopicPartition tp = new TopicPartition("c", 0);
        Uuid id = Uuid.randomUuid();
        Path partitionDir;
        long end;
        try (LogDirectory logDir = new LogDirectory(dir, time)) {
            PartitionLog log = logDir.openLog(tp, id, new LogConfig(COMPACT, Map.of()));
            for (int i = 0; i < 300; i++) {
                Batches.append(log, Batches.keyed(time.milliseconds(), "k" + (i % 5), "v" + i));
            }
            end = log.logEndOffset();
            partitionDir = log.dir();
        }
        // Simulate a crash after the cleaned file became a swap file but before the old segments were removed:
        // the swap holds the first segment's data (here a plain copy), the originals are all still present.
        Path first = partitionDir.resolve(Segment.fileName(0, ".log"));
        Files.copy(first, partitionDir.resolve(Segment.fileName(0, ".log.swap")));
        Files.writeString(partitionDir.resolve(Segment.fileName(0, ".log.cleaned")), "half-written garbage");
        try (LogDirectory logDir = new LogDirectory(dir, time)) {
            PartitionLog log = logDir.openLog(tp, id, new LogConfig(COMPACT, Map.of()));
            assertEquals(end, log.logEndOffset());
            assertTrue(Files.notExists(partitionDir.resolve(Segment.fileName(0, ".log.swap"))));
            assertTrue(Files.notExists(partitionDir.resolve(Segment.fileName(0, ".log.cleaned"))));
            assertEquals(300, contents(log).size());
        }
    }
}
