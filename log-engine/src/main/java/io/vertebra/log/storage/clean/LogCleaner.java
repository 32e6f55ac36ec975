package io.vertebra.log.storage.clean;

import io.vertebra.log.config.LogConfig;
import io.vertebra.log.storage.LogDirectory;
import io.vertebra.log.storage.PartitionLog;
import io.vertebra.log.storage.Segment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Log compaction for {@code cleanup.policy=compact}: keeps the latest record of each key, drops tombstones
 * once {@code delete.retention.ms} has passed since they were first kept (the delete horizon stamped in their
 * batch), and never touches the active segment, data above the high watermark or data younger than
 * {@code min.compaction.lag.ms}.
 *
 * <p>One pass over a log: (1) map every key in the cleanable segments to its last offset; (2) rewrite those
 * segments in groups no larger than {@code segment.bytes}, keeping a record only if it is the last for its key;
 * (3) swap each group's new file in with {@link PartitionLog#replaceSegments} (crash-safe). Runs on its own
 * thread ("log-cleaner"), one log at a time, picking the dirtiest log above {@code min.cleanable.dirty.ratio}.
 */
public final class LogCleaner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogCleaner.class);
    private static final int READ_CHUNK = 1024 * 1024;

    private final LogDirectory logDirectory;
    private final Time time;
    private final long backoffMs;
    private final Map<PartitionLog, Long> cleanedUpTo = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public LogCleaner(LogDirectory logDirectory, Time time, long backoffMs) {
        this.logDirectory = logDirectory;
        this.time = time;
        this.backoffMs = backoffMs;
        this.thread = new Thread(this::run, "log-cleaner");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            boolean cleaned = false;
            try {
                cleaned = cleanDirtiest();
            } catch (RuntimeException e) {
                log.warn("log cleaner pass failed: {}", e.toString());
            }
            if (!cleaned) {
                synchronized (this) {
                    try {
                        wait(backoffMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }
    }

    /** Cleans the dirtiest eligible log; returns false when none needed cleaning. */
    public boolean cleanDirtiest() {
        PartitionLog dirtiest = null;
        double worst = 0;
        for (PartitionLog partitionLog : logDirectory.logs().values()) {
            LogConfig config = partitionLog.config();
            if (!config.compact()) {
                continue;
            }
            double ratio = dirtyRatio(partitionLog);
            if (ratio >= config.minCleanableDirtyRatio()
                    && ratio > worst
                    && !cleanable(partitionLog).isEmpty()) {
                dirtiest = partitionLog;
                worst = ratio;
            }
        }
        if (dirtiest == null) {
            return false;
        }
        try {
            clean(dirtiest);
        } catch (IOException e) {
            log.warn("cleaning {} failed: {}", dirtiest.topicPartition(), e.toString());
            return false;
        }
        return true;
    }

    private double dirtyRatio(PartitionLog partitionLog) {
        long cleanEnd = cleanedUpTo.getOrDefault(partitionLog, -1L);
        long total = 0;
        long dirty = 0;
        for (Segment segment : cleanable(partitionLog)) {
            total += segment.size();
            if (segment.baseOffset() >= cleanEnd) {
                dirty += segment.size();
            }
        }
        return total == 0 ? 0 : (double) dirty / total;
    }

    /** Segments that may be compacted: not the active one, below the high watermark, older than the lag. */
    private List<Segment> cleanable(PartitionLog partitionLog) {
        List<Segment> all = partitionLog.segments();
        List<Segment> result = new ArrayList<>();
        long hw = partitionLog.highWatermark();
        long lagCutoff = time.milliseconds() - partitionLog.config().minCompactionLagMs();
        for (int i = 0; i + 1 < all.size(); i++) {
            Segment segment = all.get(i);
            long nextBase = all.get(i + 1).baseOffset();
            if (nextBase > hw || segment.maxTimestamp() > lagCutoff) {
                break;
            }
            result.add(segment);
        }
        return result;
    }

    /** Compacts the cleanable segments of one log. */
    public void clean(PartitionLog partitionLog) throws IOException {
        List<Segment> segments = cleanable(partitionLog);
        if (segments.isEmpty()) {
            return;
        }
        Map<ByteBuffer, Long> lastOffsets = new HashMap<>();
        for (Segment segment : segments) {
            for (FileChannelRecordBatch batch : segment.batches()) {
                for (Record record : batch) {
                    if (record.hasKey()) {
                        lastOffsets.put(copy(record.key()), record.offset());
                    }
                }
            }
        }
        long now = time.milliseconds();
        long deleteRetentionMs = partitionLog.config().deleteRetentionMs();
        MemoryRecords.RecordFilter filter = new MemoryRecords.RecordFilter(now, deleteRetentionMs) {
            @Override
            protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
                return new BatchRetentionResult(BatchRetention.DELETE_EMPTY, false);
            }

            @Override
            protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
                if (!record.hasKey()) {
                    return true;
                }
                Long last = lastOffsets.get(record.key());
                if (last != null && record.offset() < last) {
                    return false;
                }
                if (!record.hasValue()) {
                    return batch.deleteHorizonMs().isEmpty()
                            || batch.deleteHorizonMs().getAsLong() > now;
                }
                return true;
            }
        };
        // Filter each segment into its own part file, then merge consecutive parts into groups that fit in
        // segment.bytes once cleaned, so repeated compaction does not leave many tiny segments.
        List<Path> parts = new ArrayList<>();
        List<Long> partSizes = new ArrayList<>();
        try {
            for (Segment segment : segments) {
                Path part = partitionLog.dir().resolve(Segment.fileName(segment.baseOffset(), ".log.cleaned"));
                try (FileChannel out = FileChannel.open(
                        part,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
                    partSizes.add(filterSegment(segment, filter, out));
                }
                parts.add(part);
            }
            long segmentLimit = partitionLog.config().segmentBytes();
            int start = 0;
            while (start < segments.size()) {
                int end = start + 1;
                long size = partSizes.get(start);
                while (end < segments.size() && size + partSizes.get(end) <= segmentLimit) {
                    size += partSizes.get(end);
                    end++;
                }
                swapIn(partitionLog, segments.subList(start, end), parts.subList(start, end));
                start = end;
            }
        } finally {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
        cleanedUpTo.put(
                partitionLog,
                partitionLog.segments().get(partitionLog.segments().size() - 1).baseOffset());
    }

    private static ByteBuffer copy(ByteBuffer key) {
        ByteBuffer copy = ByteBuffer.allocate(key.remaining());
        copy.put(key.duplicate()).flip();
        return copy;
    }

    /** Concatenates the cleaned parts of {@code group} into its first part and swaps it in. */
    private void swapIn(PartitionLog partitionLog, List<Segment> group, List<Path> parts) throws IOException {
        Path target = parts.get(0);
        long before = 0;
        for (Segment segment : group) {
            before += segment.size();
        }
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            for (Path part : parts.subList(1, parts.size())) {
                try (FileChannel in = FileChannel.open(part, StandardOpenOption.READ)) {
                    long position = 0;
                    long size = in.size();
                    while (position < size) {
                        position += in.transferTo(position, size - position, out);
                    }
                }
            }
            out.force(true);
        }
        long after = Files.size(target);
        partitionLog.replaceSegments(group, target);
        log.info(
                "{}: compacted {} segment(s) from offset {}: {} -> {} bytes",
                partitionLog.topicPartition(),
                group.size(),
                group.get(0).baseOffset(),
                before,
                after);
    }

    private static long filterSegment(Segment segment, MemoryRecords.RecordFilter filter, FileChannel out)
            throws IOException {
        long written = 0;
        List<FileChannelRecordBatch> chunk = new ArrayList<>();
        int chunkBytes = 0;
        for (FileChannelRecordBatch batch : segment.batches()) {
            if (!chunk.isEmpty() && chunkBytes + batch.sizeInBytes() > READ_CHUNK) {
                written += filterChunk(chunk, chunkBytes, filter, out);
                chunk.clear();
                chunkBytes = 0;
            }
            chunk.add(batch);
            chunkBytes += batch.sizeInBytes();
        }
        if (!chunk.isEmpty()) {
            written += filterChunk(chunk, chunkBytes, filter, out);
        }
        return written;
    }

    private static long filterChunk(
            List<FileChannelRecordBatch> batches, int bytes, MemoryRecords.RecordFilter filter, FileChannel out)
            throws IOException {
        ByteBuffer in = ByteBuffer.allocate(bytes);
        for (FileChannelRecordBatch batch : batches) {
            batch.writeTo(in);
        }
        in.flip();
        ByteBuffer target = ByteBuffer.allocate(Math.max(bytes, 1024));
        MemoryRecords.FilterResult result =
                MemoryRecords.readableRecords(in).filterTo(filter, target, BufferSupplier.NO_CACHING);
        ByteBuffer output = result.outputBuffer();
        output.flip();
        long n = output.remaining();
        while (output.hasRemaining()) {
            out.write(output);
        }
        return n;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
