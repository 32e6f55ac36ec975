package io.vertebra.log.storage;

import io.vertebra.log.config.LogConfig;
import io.vertebra.log.producer.ProducerStateTable;
import io.vertebra.log.record.ProduceBatches;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of one partition replica: an ordered run of {@link Segment}s in {@code <logDir>/<topic>-<partition>/},
 * append-only at the end, deleted from the start by retention, truncated at the end only when a follower must
 * drop records its leader does not have.
 *
 * <p>Offsets kept: the log start offset (first readable), the log end offset (LEO, next to assign), the high
 * watermark (HW: the end of what every in-sync replica has; consumers read below it) and the recovery point
 * (everything before it is fsynced). The leader-epoch cache and the idempotent-producer table live with the log
 * because both are derived from its batches and must be truncated with it.
 *
 * <p>Threading: appends, truncation, roll and retention take {@code appendLock}; reads take no lock and work on
 * volatile snapshots of the end offsets and the concurrent segment map, reading only bytes below the offset
 * limit they captured. Flushes take {@code flushLock} and may run concurrently with appends; lock order is
 * appendLock before flushLock (close flushes under the append lock), so a flush never takes the append lock.
 */
public final class PartitionLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PartitionLog.class);
    private static final String SNAPSHOT_SUFFIX = ".snapshot";

    private final TopicPartition topicPartition;
    private final Path dir;
    private final Time time;
    private final ScheduledExecutorService background;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final Object appendLock = new Object();
    private final Object flushLock = new Object();
    private final LeaderEpochCache epochs;
    private final ProducerStateTable producers = new ProducerStateTable();

    private volatile LogConfig config;
    private volatile LogOffsetMetadata logEnd;
    private volatile LogOffsetMetadata highWatermark;
    private volatile long logStartOffset;
    private volatile long recoveryPoint;
    private volatile long lastFlushMs;
    private volatile boolean closed;

    private PartitionLog(
            TopicPartition topicPartition, Path dir, LogConfig config, Time time, ScheduledExecutorService background)
            throws IOException {
        this.topicPartition = topicPartition;
        this.dir = dir;
        this.config = config;
        this.time = time;
        this.background = background;
        this.epochs = new LeaderEpochCache(dir);
        this.lastFlushMs = time.milliseconds();
    }

    public static String dirName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /** Where a log starts when first loaded: checkpointed offsets from the log directory, or zeros. */
    public record Checkpoints(long recoveryPoint, long highWatermark, long logStartOffset, boolean cleanShutdown) {
        public static final Checkpoints NEW = new Checkpoints(0, 0, 0, true);
    }

    /**
     * Opens (creating if absent) the log in {@code dir}. Unless the previous shutdown was clean, the segments
     * from the recovery point on are re-validated and a torn tail is truncated. Throws {@link CorruptLogException}
     * when recovery finds a corrupt batch followed by valid data (the segments from it on are then quarantined)
     * or when the partition was quarantined before and not released since.
     */
    public static PartitionLog load(
            TopicPartition tp,
            Path dir,
            LogConfig config,
            Checkpoints checkpoints,
            Time time,
            ScheduledExecutorService background)
            throws IOException {
        Files.createDirectories(dir);
        if (Quarantine.isQuarantined(dir)) {
            throw new CorruptLogException(Quarantine.reason(dir));
        }
        PartitionLog partitionLog = new PartitionLog(tp, dir, config, time, background);
        try {
            partitionLog.loadSegments(checkpoints);
        } catch (IOException | RuntimeException e) {
            partitionLog.closeSegmentsQuietly();
            throw e;
        }
        return partitionLog;
    }

    private void loadSegments(Checkpoints checkpoints) throws IOException {
        removeLeftovers();
        List<Long> baseOffsets = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Segment.LOG_SUFFIX)) {
            for (Path file : files) {
                baseOffsets.add(Segment.baseOffsetOf(file));
            }
        }
        baseOffsets.sort(Long::compare);
        for (long base : baseOffsets) {
            segments.put(base, Segment.open(dir, base, config.indexIntervalBytes()));
        }
        if (segments.isEmpty()) {
            long start = Math.max(0, checkpoints.logStartOffset());
            segments.put(start, newSegment(start));
        }
        recoveryPoint = checkpoints.recoveryPoint();
        if (!checkpoints.cleanShutdown()) {
            LogRecovery.recoverFrom(topicPartition, dir, segments, recoveryPoint, time.milliseconds());
        }
        Segment last = segments.lastEntry().getValue();
        logEnd = new LogOffsetMetadata(last.readNextOffset(), last.baseOffset(), last.size());
        logStartOffset = Math.max(checkpoints.logStartOffset(), segments.firstKey());
        if (logStartOffset > logEnd.offset()) {
            logStartOffset = logEnd.offset();
        }
        recoveryPoint = Math.min(checkpoints.cleanShutdown() ? logEnd.offset() : recoveryPoint, logEnd.offset());
        epochs.truncateFromEnd(logEnd.offset());
        epochs.truncateFromStart(logStartOffset);
        rebuildProducerState();
        highWatermark =
                offsetMetadata(Math.min(Math.max(checkpoints.highWatermark(), logStartOffset), logEnd.offset()));
    }

    private void removeLeftovers() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.endsWith(Segment.DELETED_SUFFIX)
                        || name.endsWith(Segment.CLEANED_SUFFIX)
                        || name.endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                }
            }
        }
        // A compaction that crashed after writing its swap file completes here: the swap replaces every
        // segment whose offsets it covers.
        try (DirectoryStream<Path> swaps =
                Files.newDirectoryStream(dir, "*" + Segment.LOG_SUFFIX + Segment.SWAP_SUFFIX)) {
            for (Path swap : swaps) {
                long base = Segment.baseOffsetOf(swap);
                long last = base;
                try (FileRecords records = FileRecords.open(swap.toFile())) {
                    for (FileChannelRecordBatch batch : records.batches()) {
                        last = batch.lastOffset();
                    }
                }
                try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "*" + Segment.LOG_SUFFIX)) {
                    for (Path logFile : logs) {
                        long other = Segment.baseOffsetOf(logFile);
                        if (other >= base && other <= last) {
                            Files.deleteIfExists(logFile);
                            Files.deleteIfExists(dir.resolve(Segment.fileName(other, Segment.INDEX_SUFFIX)));
                            Files.deleteIfExists(dir.resolve(Segment.fileName(other, Segment.TIME_INDEX_SUFFIX)));
                        }
                    }
                }
                Files.move(swap, dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX)));
                log.info("{}: completed an interrupted compaction of offsets {}..{}", topicPartition, base, last);
            }
        }
    }

    private void closeSegmentsQuietly() {
        for (Segment segment : segments.values()) {
            try {
                segment.close();
            } catch (IOException | RuntimeException e) {
                log.debug("{}: cannot close {}: {}", topicPartition, segment, e.toString());
            }
        }
        segments.clear();
    }

    private void rebuildProducerState() throws IOException {
        Path snapshot = latestSnapshot(logEnd.offset());
        long from = snapshot == null ? -1 : producers.readSnapshot(snapshot);
        if (from < 0) {
            producers.clear();
            from = logStartOffset;
        }
        for (Segment segment : segments.tailMap(
                        Math.max(
                                segments.firstKey(),
                                Optional.ofNullable(segments.floorKey(from)).orElse(segments.firstKey())),
                        true)
                .values()) {
            for (FileChannelRecordBatch batch : segment.records().batches()) {
                if (batch.lastOffset() >= from) {
                    producers.update(batch);
                }
            }
        }
    }

    private Path latestSnapshot(long atMost) throws IOException {
        Path best = null;
        long bestOffset = -1;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
            for (Path file : files) {
                long offset = Segment.baseOffsetOf(file);
                if (offset <= atMost && offset > bestOffset) {
                    best = file;
                    bestOffset = offset;
                }
            }
        }
        return best;
    }

    private void writeProducerSnapshot(long offset) {
        try {
            producers.writeSnapshot(dir.resolve(Segment.fileName(offset, SNAPSHOT_SUFFIX)), offset);
            // keep the two newest snapshots
            List<Long> offsets = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SNAPSHOT_SUFFIX)) {
                for (Path file : files) {
                    offsets.add(Segment.baseOffsetOf(file));
                }
            }
            offsets.sort(Long::compare);
            for (int i = 0; i < offsets.size() - 2; i++) {
                Files.deleteIfExists(dir.resolve(Segment.fileName(offsets.get(i), SNAPSHOT_SUFFIX)));
            }
        } catch (IOException e) {
            log.warn("{}: cannot write the producer state snapshot: {}", topicPartition, e.toString());
        }
    }

    private Segment newSegment(long baseOffset) throws IOException {
        LogConfig c = config;
        return Segment.create(
                dir,
                baseOffset,
                c.indexIntervalBytes(),
                time.milliseconds(),
                c.getBoolean("preallocate"),
                c.segmentBytes());
    }

    // ------------------------------------------------------------------------------------------------ reads

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Path dir() {
        return dir;
    }

    public LogConfig config() {
        return config;
    }

    public void updateConfig(LogConfig newConfig) {
        this.config = newConfig;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEnd.offset();
    }

    public LogOffsetMetadata logEndMetadata() {
        return logEnd;
    }

    public long highWatermark() {
        return highWatermark.offset();
    }

    public LogOffsetMetadata highWatermarkMetadata() {
        return highWatermark;
    }

    public long recoveryPoint() {
        return recoveryPoint;
    }

    public LeaderEpochCache epochs() {
        return epochs;
    }

    public long size() {
        long total = 0;
        for (Segment s : segments.values()) {
            total += s.size();
        }
        return total;
    }

    /** The idempotent producers this log has state for (DescribeProducers); a copy taken under the append lock. */
    public List<ProducerStateTable.ActiveProducer> activeProducers() {
        synchronized (appendLock) {
            return producers.activeProducers();
        }
    }

    public int segmentCount() {
        return segments.size();
    }

    /**
     * Reads from {@code startOffset}, at most {@code maxBytes} (but a whole first batch with
     * {@code minOneBatch}), up to {@code limit} (the high watermark for consumers, the log end for followers).
     * Throws OFFSET_OUT_OF_RANGE outside [log start, log end].
     */
    public FetchData read(long startOffset, int maxBytes, LogOffsetMetadata limit, boolean minOneBatch) {
        LogOffsetMetadata end = logEnd;
        long start = logStartOffset;
        if (startOffset > end.offset() || startOffset < start) {
            throw new OffsetOutOfRangeException("offset " + startOffset + " is out of range for " + topicPartition
                    + ": the log holds [" + start + ", " + end.offset() + ")");
        }
        if (startOffset >= limit.offset()) {
            return new FetchData(limit, MemoryRecords.EMPTY, startOffset);
        }
        Map.Entry<Long, Segment> entry = segments.floorEntry(startOffset);
        while (entry != null) {
            Segment segment = entry.getValue();
            if (limit.segmentBaseOffset() < segment.baseOffset()) {
                break;
            }
            long maxPosition = segment.baseOffset() == limit.segmentBaseOffset() ? limit.position() : segment.size();
            FetchData data = segment.read(startOffset, maxBytes, maxPosition, minOneBatch);
            if (data != null) {
                return data;
            }
            entry = segments.higherEntry(segment.baseOffset());
        }
        return new FetchData(limit, MemoryRecords.EMPTY, startOffset);
    }

    /** The place of {@code offset} (which must start a batch or be the log end) in the files. */
    public LogOffsetMetadata offsetMetadata(long offset) {
        LogOffsetMetadata end = logEnd;
        if (offset >= end.offset()) {
            return end;
        }
        Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
        while (entry != null) {
            FileRecords.LogOffsetPosition position = entry.getValue().translateOffset(offset);
            if (position != null) {
                return new LogOffsetMetadata(offset, entry.getKey(), position.position);
            }
            entry = segments.higherEntry(entry.getKey());
        }
        return end;
    }

    /**
     * The earliest offset whose timestamp is at or after {@code timestamp}, with that timestamp and the leader
     * epoch of its batch; empty when every record is older.
     */
    public Optional<FileRecords.TimestampAndOffset> offsetForTimestamp(long timestamp) {
        long start = logStartOffset;
        for (Segment segment : segments.values()) {
            if (segment.maxTimestamp() >= timestamp) {
                Optional<FileRecords.TimestampAndOffset> found =
                        segment.findOffsetByTimestamp(timestamp, Math.max(start, segment.baseOffset()));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    /** The offset and timestamp of the record with the largest timestamp (ListOffsets MAX_TIMESTAMP). */
    public Optional<FileRecords.TimestampAndOffset> offsetOfMaxTimestamp() {
        long best = RecordBatch.NO_TIMESTAMP;
        Segment bestSegment = null;
        for (Segment segment : segments.values()) {
            if (segment.maxTimestamp() > best) {
                best = segment.maxTimestamp();
                bestSegment = segment;
            }
        }
        if (bestSegment == null) {
            return Optional.empty();
        }
        return bestSegment.findOffsetByTimestamp(best, Math.max(logStartOffset, bestSegment.baseOffset()));
    }

    // ---------------------------------------------------------------------------------------------- appends

    /**
     * Appends validated produce data as the leader: checks idempotent sequences, assigns offsets from the log
     * end, stamps {@code leaderEpoch}, writes, and fsyncs when the flush policy says so. {@code records} is
     * modified in place.
     */
    public AppendResult appendAsLeader(MemoryRecords records, ProduceBatches.Summary summary, int leaderEpoch) {
        LogConfig c = config;
        long now = time.milliseconds();
        boolean flush;
        AppendResult result;
        synchronized (appendLock) {
            ensureOpen();
            if (summary.hasIdempotentBatch()) {
                ProducerStateTable.BatchMetadata duplicate = null;
                for (MutableRecordBatch batch : records.batches()) {
                    duplicate = producers.check(batch);
                }
                if (duplicate != null) {
                    return new AppendResult(
                            duplicate.firstOffset(), duplicate.lastOffset(), -1, logStartOffset, 0, true);
                }
            }
            MemoryRecords toWrite =
                    summary.needsRecompression() ? ProduceBatches.recompress(records, c.compressionType()) : records;
            long firstOffset = logEnd.offset();
            TimestampType timestampType = c.timestampType();
            long next = ProduceBatches.assignOffsets(toWrite, firstOffset, leaderEpoch, timestampType, now);
            write(toWrite, firstOffset, leaderEpoch, now);
            flush = next - recoveryPoint >= c.flushMessages();
            result = new AppendResult(
                    firstOffset,
                    next - 1,
                    timestampType == TimestampType.LOG_APPEND_TIME ? now : -1,
                    logStartOffset,
                    next - firstOffset,
                    false);
        }
        if (flush) {
            flush(logEnd.offset());
        }
        return result;
    }

    /**
     * Appends batches fetched from the leader, offsets already assigned; they must continue the log end. The
     * batches have been CRC-checked by the caller. A fetch response may end with part of a batch (the leader cuts
     * at the fetch size, as Kafka's does); only whole batches are written, the next fetch brings the rest.
     */
    public void appendAsFollower(MemoryRecords fetched) {
        boolean flush;
        synchronized (appendLock) {
            ensureOpen();
            long expected = logEnd.offset();
            long next = expected;
            int wholeBytes = 0;
            for (MutableRecordBatch batch : fetched.batches()) { // stops before a partial batch
                if (batch.baseOffset() < next) {
                    throw new IllegalStateException(topicPartition + ": follower append of offset " + batch.baseOffset()
                            + " does not continue the log end " + next);
                }
                next = batch.nextOffset();
                wholeBytes += batch.sizeInBytes();
            }
            if (next == expected) {
                return;
            }
            MemoryRecords records = wholeBytes == fetched.sizeInBytes() ? fetched : prefix(fetched, wholeBytes);
            write(records, expected, -1, time.milliseconds());
            for (MutableRecordBatch batch : records.batches()) {
                epochs.assign(batch.partitionLeaderEpoch(), batch.baseOffset());
            }
            flush = next - recoveryPoint >= config.flushMessages();
        }
        if (flush) {
            flush(logEnd.offset());
        }
    }

    /** The first {@code bytes} of the records (their whole batches, without the partial one after them). */
    private static MemoryRecords prefix(MemoryRecords records, int bytes) {
        java.nio.ByteBuffer buffer = records.buffer().duplicate();
        buffer.limit(buffer.position() + bytes);
        return MemoryRecords.readableRecords(buffer.slice());
    }

    /** Writes offset-assigned batches at the end, rolling first if needed. Caller holds appendLock. */
    private void write(MemoryRecords batches, long firstOffset, int leaderEpoch, long now) {
        try {
            Segment active = maybeRoll(batches.sizeInBytes(), firstOffset, now);
            active.append(batches);
            long next = firstOffset;
            for (MutableRecordBatch batch : batches.batches()) {
                producers.update(batch);
                next = batch.nextOffset();
            }
            if (leaderEpoch >= 0) {
                epochs.assign(leaderEpoch, firstOffset);
            }
            logEnd = new LogOffsetMetadata(next, active.baseOffset(), active.size());
        } catch (IOException e) {
            throw new KafkaStorageException("cannot append to " + topicPartition + ": " + e.getMessage(), e);
        }
    }

    private Segment maybeRoll(int incomingBytes, long firstOffset, long now) throws IOException {
        Segment active = segments.lastEntry().getValue();
        LogConfig c = config;
        boolean full = active.size() > 0 && (long) active.size() + incomingBytes > c.segmentBytes();
        boolean old = active.size() > 0 && now - active.createdMs() > c.segmentMs();
        boolean offsetsOverflow = firstOffset - active.baseOffset() > Integer.MAX_VALUE / 2;
        boolean indexFull =
                (long) active.offsetIndexEntries() * OffsetIndex.ENTRY_SIZE >= c.getInt("segment.index.bytes");
        if (!(full || old || offsetsOverflow || indexFull)) {
            return active;
        }
        return roll(firstOffset);
    }

    /** Starts a new active segment at {@code baseOffset}; the old one is trimmed and flushed in the background. */
    private Segment roll(long baseOffset) throws IOException {
        Segment previous = segments.lastEntry().getValue();
        if (previous.baseOffset() == baseOffset) {
            return previous;
        }
        previous.onRoll();
        Segment next = newSegment(baseOffset);
        segments.put(baseOffset, next);
        writeProducerSnapshot(baseOffset);
        if (background != null) {
            background.execute(() -> flush(baseOffset));
        }
        log.debug("{}: rolled to a new segment at offset {}", topicPartition, baseOffset);
        return next;
    }

    // ---------------------------------------------------------------------------------- high watermark etc.

    /** Moves the high watermark to {@code offset} (clamped to [log start, log end]); returns true if it moved. */
    public boolean updateHighWatermark(long offset) {
        LogOffsetMetadata end = logEnd;
        long clamped = Math.max(logStartOffset, Math.min(offset, end.offset()));
        if (clamped == highWatermark.offset()) {
            return false;
        }
        highWatermark = clamped == end.offset() ? end : offsetMetadata(clamped);
        return true;
    }

    /** Moves the high watermark forward only. */
    public boolean maybeIncrementHighWatermark(long offset) {
        if (offset <= highWatermark.offset()) {
            return false;
        }
        return updateHighWatermark(offset);
    }

    /** DeleteRecords: makes {@code offset} the new log start (never beyond the high watermark). */
    public long deleteRecordsBefore(long offset) {
        synchronized (appendLock) {
            long hw = highWatermark.offset();
            if (offset > hw) {
                throw new OffsetOutOfRangeException("cannot delete records before offset " + offset + " of "
                        + topicPartition + ": it is beyond the high watermark " + hw);
            }
            if (offset > logStartOffset) {
                logStartOffset = offset;
                epochs.truncateFromStart(offset);
            }
            deleteSegmentsBelowLogStart();
            return logStartOffset;
        }
    }

    /** Follower truncation: removes everything at or after {@code offset}. */
    public void truncateTo(long offset) {
        synchronized (appendLock) {
            ensureOpen();
            if (offset >= logEnd.offset()) {
                return;
            }
            try {
                if (offset <= segments.firstKey()) {
                    truncateFullyAndStartAt(offset);
                    return;
                }
                for (Segment segment :
                        new ArrayList<>(segments.tailMap(offset, false).values())) {
                    segments.remove(segment.baseOffset());
                    segment.deleteFiles();
                }
                Segment active = segments.lastEntry().getValue();
                active.truncateTo(offset);
                logEnd = new LogOffsetMetadata(offset, active.baseOffset(), active.size());
                afterTruncation(offset);
            } catch (IOException e) {
                throw new KafkaStorageException("cannot truncate " + topicPartition + ": " + e.getMessage(), e);
            }
        }
    }

    /** Drops every segment and restarts the log empty at {@code offset}. */
    public void truncateFullyAndStartAt(long offset) {
        synchronized (appendLock) {
            try {
                for (Segment segment : new ArrayList<>(segments.values())) {
                    segments.remove(segment.baseOffset());
                    segment.deleteFiles();
                }
                Segment fresh = newSegment(offset);
                segments.put(offset, fresh);
                logEnd = new LogOffsetMetadata(offset, offset, 0);
                logStartOffset = offset;
                epochs.truncateFromEnd(-1);
                afterTruncation(offset);
            } catch (IOException e) {
                throw new KafkaStorageException("cannot reset " + topicPartition + ": " + e.getMessage(), e);
            }
        }
    }

    private void afterTruncation(long offset) {
        epochs.truncateFromEnd(offset);
        producers.clear();
        try {
            rebuildProducerState();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (highWatermark.offset() > offset) {
            highWatermark = logEnd;
        }
        recoveryPoint = Math.min(recoveryPoint, offset);
    }

    // ------------------------------------------------------------------------------- flush and retention

    /** fsyncs every segment holding offsets below {@code offset} that is not yet known durable. */
    public void flush(long offset) {
        synchronized (flushLock) {
            if (offset <= recoveryPoint || closed) {
                return;
            }
            try {
                Long from = segments.floorKey(recoveryPoint);
                for (Segment segment : segments.subMap(from == null ? segments.firstKey() : from, true, offset, false)
                        .values()) {
                    segment.flush();
                }
                Segment active = segments.lastEntry().getValue();
                if (active.baseOffset() < offset) {
                    active.flush();
                }
            } catch (IOException e) {
                throw new KafkaStorageException("cannot flush " + topicPartition + ": " + e.getMessage(), e);
            }
            recoveryPoint = offset;
            lastFlushMs = time.milliseconds();
        }
    }

    /** Time-based flush ({@code flush.ms}); called periodically by the log directory. */
    public void maybeFlushByTime(long nowMs) {
        if (logEnd.offset() > recoveryPoint && nowMs - lastFlushMs >= config.flushMs()) {
            flush(logEnd.offset());
        }
    }

    /**
     * Applies retention by time and size (for {@code cleanup.policy=delete}) and the log start offset; never
     * deletes past the high watermark. Returns the number of segments deleted.
     */
    public int applyRetention(long nowMs) {
        synchronized (appendLock) {
            if (closed) {
                return 0;
            }
            producers.expire(nowMs, 7L * 24 * 3600 * 1000);
            LogConfig c = config;
            int deleted = deleteSegmentsBelowLogStart();
            if (!c.delete()) {
                return deleted;
            }
            long retentionMs = c.retentionMs();
            long retentionBytes = c.retentionBytes();
            long excess = retentionBytes < 0 ? 0 : size() - retentionBytes;
            long hw = highWatermark.offset();
            while (segments.size() > 0) {
                Map.Entry<Long, Segment> first = segments.firstEntry();
                Segment segment = first.getValue();
                Map.Entry<Long, Segment> nextEntry = segments.higherEntry(first.getKey());
                long segmentEnd = nextEntry == null ? logEnd.offset() : nextEntry.getKey();
                if (segment.size() == 0 || segmentEnd > hw) {
                    break;
                }
                boolean expired =
                        retentionMs >= 0 && segment.maxTimestamp() >= 0 && nowMs - segment.maxTimestamp() > retentionMs;
                boolean tooBig = excess > 0 && segment.size() <= excess;
                if (!expired && !tooBig) {
                    break;
                }
                if (nextEntry == null) {
                    try {
                        roll(logEnd.offset());
                    } catch (IOException e) {
                        throw new KafkaStorageException(e);
                    }
                }
                excess -= segment.size();
                deleteSegment(segment);
                deleted++;
                logStartOffset = Math.max(logStartOffset, segments.firstKey());
            }
            if (deleted > 0) {
                epochs.truncateFromStart(logStartOffset);
                if (highWatermark.offset() < logStartOffset) {
                    highWatermark = offsetMetadata(logStartOffset);
                }
            }
            return deleted;
        }
    }

    private int deleteSegmentsBelowLogStart() {
        int deleted = 0;
        while (segments.size() > 1) {
            Map.Entry<Long, Segment> first = segments.firstEntry();
            Long nextBase = segments.higherKey(first.getKey());
            if (nextBase == null || nextBase > logStartOffset) {
                break;
            }
            deleteSegment(first.getValue());
            deleted++;
        }
        return deleted;
    }

    private void deleteSegment(Segment segment) {
        segments.remove(segment.baseOffset());
        try {
            segment.markDeleted();
        } catch (IOException e) {
            log.warn("{}: cannot rename {} for deletion: {}", topicPartition, segment, e.toString());
        }
        deleteLater(segment);
    }

    /** The segments, oldest first (for the cleaner and tests). */
    public List<Segment> segments() {
        return new ArrayList<>(segments.values());
    }

    /**
     * Compaction's swap: {@code cleanedFile} (a complete log file holding the retained batches of {@code old},
     * starting at the first one's base offset) replaces those segments. Crash-safe: the file is renamed to
     * {@code .swap} first, the old segments are renamed to {@code .deleted}, then the swap becomes the segment;
     * recovery finishes a swap interrupted at any point ({@link #removeLeftovers}).
     */
    public void replaceSegments(List<Segment> old, Path cleanedFile) throws IOException {
        synchronized (appendLock) {
            ensureOpen();
            for (Segment segment : old) {
                if (segments.get(segment.baseOffset()) != segment) {
                    throw new IOException("segment " + segment + " changed while it was being cleaned");
                }
            }
            long base = old.get(0).baseOffset();
            Path swap = dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX + Segment.SWAP_SUFFIX));
            Files.move(cleanedFile, swap, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            for (Segment segment : old) {
                segments.remove(segment.baseOffset());
                segment.markDeleted();
                deleteLater(segment);
            }
            Files.move(
                    swap,
                    dir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX)),
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Segment replacement = Segment.open(dir, base, config.indexIntervalBytes());
            replacement.recover(batch -> {}, false);
            segments.put(base, replacement);
            if (logStartOffset < base) {
                logStartOffset = base;
            }
        }
    }

    private void deleteLater(Segment segment) {
        Runnable delete = () -> {
            try {
                segment.deleteFiles();
            } catch (IOException e) {
                log.warn("{}: cannot delete {}: {}", topicPartition, segment, e.toString());
            }
        };
        if (background == null) {
            delete.run();
        } else {
            background.schedule(delete, config.fileDeleteDelayMs(), TimeUnit.MILLISECONDS);
        }
    }

    ScheduledExecutorService background() {
        return background;
    }

    Time time() {
        return time;
    }

    private void ensureOpen() {
        if (closed) {
            throw new KafkaStorageException("the log of " + topicPartition + " is closed");
        }
    }

    /** Flushes, writes the producer snapshot and closes the files. */
    @Override
    public void close() {
        synchronized (appendLock) {
            if (closed) {
                return;
            }
            flush(logEnd.offset());
            writeProducerSnapshot(logEnd.offset());
            closed = true;
            for (Segment segment : segments.values()) {
                try {
                    segment.onRoll();
                    segment.close();
                } catch (IOException e) {
                    log.warn("{}: error closing {}: {}", topicPartition, segment, e.toString());
                }
            }
        }
    }

    /** Closes and deletes the whole partition directory (topic deletion). */
    public void delete() {
        synchronized (appendLock) {
            closed = true;
            for (Segment segment : segments.values()) {
                try {
                    segment.deleteFiles();
                } catch (IOException e) {
                    log.warn("{}: error deleting {}: {}", topicPartition, segment, e.toString());
                }
            }
            segments.clear();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                log.warn("{}: error deleting {}: {}", topicPartition, dir, e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "PartitionLog(" + topicPartition + ", start=" + logStartOffset + ", hw=" + highWatermark.offset()
                + ", end=" + logEnd.offset() + ")";
    }
}
