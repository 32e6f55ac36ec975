package io.vertebra.log.storage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.record.internal.FileRecords.LogOffsetPosition;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One segment of a partition log: the record batches from {@code baseOffset} on, as the producers sent them,
 * with their two sparse indexes.
 *
 * <pre>
 * &lt;baseOffset, 20 digits&gt;.log        Kafka v2 record batches back to back, offsets assigned:
 *   +----------------+-----------+-------------+-------+---------+-----------------------------+
 *   | baseOffset i64 | length i32| leaderEpoch | magic | crc32c  | attributes ... records      |
 *   +----------------+-----------+-------------+-------+---------+-----------------------------+
 *   (batch header 61 bytes; length counts the bytes after the length field; the CRC covers attributes onward)
 * &lt;baseOffset&gt;.index      sparse offset → position ({@link OffsetIndex})
 * &lt;baseOffset&gt;.timeindex  sparse max timestamp → offset ({@link TimeIndex})
 * </pre>
 *
 * After a crash the tail of the active segment may be torn (a partial batch, a batch whose CRC does not match,
 * zeros from a pre-extended file): {@link #recover} walks the batches, keeps the valid prefix and truncates the
 * rest, then rebuilds both indexes. A bad batch with valid batches after it is not a torn tail but corruption:
 * recovery then truncates nothing and reports it, and the log moves the segment to its quarantine. Threading: one writer at a time (the partition log's append lock); readers
 * use {@link #read} concurrently and only ever see bytes below a size they were given, which only grows except
 * through {@link #truncateTo}, which the log calls only while no reader can be past the truncation point.
 */
public final class Segment {
    private static final Logger log = LoggerFactory.getLogger(Segment.class);

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String DELETED_SUFFIX = ".deleted";
    static final String CLEANED_SUFFIX = ".cleaned";
    static final String SWAP_SUFFIX = ".swap";

    private final long baseOffset;
    private final FileRecords records;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private final int indexIntervalBytes;
    private final long createdMs;
    private int bytesSinceLastIndexEntry;
    private volatile long maxTimestamp = RecordBatch.NO_TIMESTAMP;
    private volatile long offsetOfMaxTimestamp = -1;

    private Segment(
            long baseOffset,
            FileRecords records,
            OffsetIndex offsetIndex,
            TimeIndex timeIndex,
            int indexIntervalBytes,
            long createdMs) {
        this.baseOffset = baseOffset;
        this.records = records;
        this.offsetIndex = offsetIndex;
        this.timeIndex = timeIndex;
        this.indexIntervalBytes = indexIntervalBytes;
        this.createdMs = createdMs;
    }

    public static String fileName(long offset, String suffix) {
        return String.format("%020d%s", offset, suffix);
    }

    static long baseOffsetOf(Path logFile) {
        String name = logFile.getFileName().toString();
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    /** Creates a new, empty segment file. */
    static Segment create(
            Path dir, long baseOffset, int indexIntervalBytes, long nowMs, boolean preallocate, int initialSize)
            throws IOException {
        File file = dir.resolve(fileName(baseOffset, LOG_SUFFIX)).toFile();
        FileRecords records = FileRecords.open(file, false, preallocate ? initialSize : 0, preallocate);
        OffsetIndex index = new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)));
        TimeIndex timeIndex = new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
        index.clear();
        timeIndex.clear();
        return new Segment(baseOffset, records, index, timeIndex, indexIntervalBytes, nowMs);
    }

    /** The log file of this segment. */
    Path logFile() {
        return records.file().toPath();
    }

    /**
     * Opens an existing segment. Its indexes are loaded as stored (sanity-checked); call {@link #recover} when
     * the segment may hold a torn tail.
     */
    static Segment open(Path dir, long baseOffset, int indexIntervalBytes) throws IOException {
        Path logFile = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        FileRecords records = FileRecords.open(logFile.toFile(), true, 0, false);
        OffsetIndex index = new OffsetIndex(dir.resolve(fileName(baseOffset, INDEX_SUFFIX)));
        TimeIndex timeIndex = new TimeIndex(dir.resolve(fileName(baseOffset, TIME_INDEX_SUFFIX)));
        long created = Files.getLastModifiedTime(logFile).toMillis();
        Segment segment = new Segment(baseOffset, records, index, timeIndex, indexIntervalBytes, created);
        index.load(records.sizeInBytes());
        timeIndex.load(Integer.MAX_VALUE);
        segment.loadMaxTimestamp();
        return segment;
    }

    private void loadMaxTimestamp() {
        // The time index holds the max timestamp as of its last entry; batches after it may be larger.
        int startRelative = offsetIndex.floorOffset(Integer.MAX_VALUE);
        int position = startRelative < 0 ? 0 : offsetIndex.floorPosition(startRelative);
        try {
            for (FileChannelRecordBatch batch : records.batchesFrom(position)) {
                noteTimestamp(batch.maxTimestamp(), batch.lastOffset());
            }
        } catch (RuntimeException e) {
            // a torn tail: recovery (when the shutdown was not clean) truncates it
        }
        long indexed = timeIndex.lastTimestamp();
        if (indexed > maxTimestamp) {
            maxTimestamp = indexed;
        }
    }

    private void noteTimestamp(long timestamp, long offset) {
        if (timestamp > maxTimestamp) {
            maxTimestamp = timestamp;
            offsetOfMaxTimestamp = offset;
        }
    }

    public long baseOffset() {
        return baseOffset;
    }

    public int size() {
        return records.sizeInBytes();
    }

    public long maxTimestamp() {
        return maxTimestamp;
    }

    long createdMs() {
        return createdMs;
    }

    FileRecords records() {
        return records;
    }

    /** The batches of this segment, in order (read from the file; safe beside appends). */
    public Iterable<FileChannelRecordBatch> batches() {
        return records.batches();
    }

    int offsetIndexEntries() {
        return offsetIndex.entries();
    }

    /** Relative offset of {@code offset} in this segment; the caller keeps segments within int range. */
    int relative(long offset) {
        return (int) (offset - baseOffset);
    }

    /**
     * Appends batches whose offsets are already assigned. {@code batches} must start at the current end and
     * be valid. Indexes get an entry every {@code index.interval.bytes}.
     */
    void append(MemoryRecords batches) throws IOException {
        int position = records.sizeInBytes();
        records.append(batches);
        for (RecordBatch batch : batches.batches()) {
            noteTimestamp(batch.maxTimestamp(), batch.lastOffset());
            if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                offsetIndex.append(relative(batch.lastOffset()), position);
                timeIndex.append(maxTimestamp, relative(offsetOfMaxTimestamp));
                bytesSinceLastIndexEntry = 0;
            }
            int size = batch.sizeInBytes();
            position += size;
            bytesSinceLastIndexEntry += size;
        }
    }

    /**
     * The first batch holding {@code offset} or a later one: its offset, position and size, searching from the
     * index floor. {@code null} when the segment holds nothing at or after {@code offset}.
     */
    LogOffsetPosition translateOffset(long offset) {
        int start = offset <= baseOffset ? 0 : offsetIndex.floorPosition(relative(offset));
        return records.searchForOffsetFromPosition(offset, start);
    }

    /**
     * Reads batches starting with the one holding {@code startOffset}, at most {@code maxSize} bytes and never
     * past {@code maxPosition}; with {@code minOneBatch}, the first batch is returned whole even when larger
     * than {@code maxSize}. {@code null} when this segment holds nothing at or after {@code startOffset}.
     */
    FetchData read(long startOffset, int maxSize, long maxPosition, boolean minOneBatch) {
        LogOffsetPosition start = translateOffset(startOffset);
        if (start == null) {
            return null;
        }
        LogOffsetMetadata metadata = new LogOffsetMetadata(startOffset, baseOffset, start.position);
        if (start.position >= maxPosition) {
            return new FetchData(metadata, MemoryRecords.EMPTY, start.offset);
        }
        int available = (int) Math.min(Integer.MAX_VALUE, maxPosition - start.position);
        int adjustedMax = minOneBatch ? Math.max(maxSize, start.size) : maxSize;
        int length = Math.min(available, adjustedMax);
        if (length <= 0) {
            return new FetchData(metadata, MemoryRecords.EMPTY, start.offset);
        }
        return new FetchData(metadata, records.slice(start.position, length), start.offset);
    }

    /**
     * The first offset whose batch has a timestamp at or after {@code timestamp}, with that batch's max
     * timestamp, searching batches from the time-index floor.
     */
    Optional<FileRecords.TimestampAndOffset> findOffsetByTimestamp(long timestamp, long startingOffset) {
        int relative = timeIndex.startOffsetFor(timestamp);
        long from = Math.max(startingOffset, baseOffset + relative);
        int position = from <= baseOffset ? 0 : offsetIndex.floorPosition(relative(from));
        return Optional.ofNullable(records.searchForTimestamp(timestamp, position, startingOffset));
    }

    /** The offset after the last batch, or {@code baseOffset} when empty. Scans from the last index entry. */
    long readNextOffset() {
        int position = offsetIndex.floorPosition(Integer.MAX_VALUE);
        long next = baseOffset;
        try {
            for (FileChannelRecordBatch batch : records.batchesFrom(position)) {
                next = batch.nextOffset();
            }
        } catch (RuntimeException e) {
            // a torn tail after a crash; recovery truncates it before the log is used
        }
        return next;
    }

    /**
     * Walks every batch, checking size, magic, CRC and offset order, and rebuilds the indexes. At the first bad
     * batch it looks further: when nothing valid follows (a torn tail: a batch cut short by the crash, or the
     * zeros of a pre-allocated file) the rest is truncated; when a valid batch follows in this segment, or
     * {@code dataFollows} (a later segment holds data) and the rest is not all zeros, the bad bytes sit in the
     * middle of the log: nothing is truncated and the result says where (the caller quarantines the segment).
     * {@code onBatch} sees each valid batch (to rebuild producer and leader-epoch state).
     */
    Recovery recover(BatchVisitor onBatch, boolean dataFollows) throws IOException {
        offsetIndex.clear();
        timeIndex.clear();
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        bytesSinceLastIndexEntry = 0;
        int validBytes = 0;
        long expectedNext = baseOffset;
        String problem = "";
        try {
            for (FileChannelRecordBatch batch : records.batches()) {
                if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                    problem = "magic " + batch.magic() + " instead of 2";
                    break;
                }
                if (batch.baseOffset() < expectedNext) {
                    problem =
                            "base offset " + batch.baseOffset() + " goes back (expected at least " + expectedNext + ")";
                    break;
                }
                batch.ensureValid();
                if (bytesSinceLastIndexEntry > indexIntervalBytes) {
                    offsetIndex.append(relative(batch.lastOffset()), validBytes);
                    timeIndex.append(maxTimestamp, relative(offsetOfMaxTimestamp));
                    bytesSinceLastIndexEntry = 0;
                }
                noteTimestamp(batch.maxTimestamp(), batch.lastOffset());
                onBatch.accept(batch);
                validBytes += batch.sizeInBytes();
                bytesSinceLastIndexEntry += batch.sizeInBytes();
                expectedNext = batch.nextOffset();
            }
        } catch (RuntimeException e) {
            problem = e.toString();
        }
        int size = records.sizeInBytes();
        if (validBytes < size) {
            if (problem.isEmpty()) {
                problem = "an incomplete batch";
            }
            // the zeros of a pre-allocated file are checked 8 bytes at a time before any byte-by-byte scan
            boolean zeros = BatchScanner.onlyZeros(records.channel(), validBytes, size);
            BatchScanner.Found next = zeros ? null : BatchScanner.next(records.channel(), validBytes + 1L, size);
            if (next != null || (dataFollows && !zeros)) {
                return new Recovery(0, validBytes, expectedNext, problem, next);
            }
            log.warn(
                    "truncating a torn tail of {} bytes at byte {} (offset {}) of {}: {}; nothing valid follows it",
                    size - validBytes,
                    validBytes,
                    expectedNext,
                    records.file(),
                    problem);
            records.truncateTo(validBytes);
        }
        offsetIndex.rewrite();
        timeIndex.rewrite();
        return new Recovery(size - validBytes, -1, expectedNext, problem, null);
    }

    /**
     * What {@link #recover} found. {@code badPosition} is -1 when the segment is sound (after truncating
     * {@code truncatedBytes} of torn tail); otherwise the byte where the corruption starts, {@code expectedOffset}
     * the offset the batch there should have held, and {@code nextValid} the first valid batch after it (null when
     * the valid data that follows is in a later segment).
     */
    record Recovery(
            int truncatedBytes, int badPosition, long expectedOffset, String problem, BatchScanner.Found nextValid) {
        boolean corrupt() {
            return badPosition >= 0;
        }
    }

    /** Removes everything at or after {@code offset}; returns the bytes removed. */
    int truncateTo(long offset) throws IOException {
        LogOffsetPosition position = translateOffset(offset);
        if (position == null) {
            return 0;
        }
        int before = records.sizeInBytes();
        offsetIndex.truncateTo(relative(offset));
        timeIndex.truncateTo(relative(offset));
        records.truncateTo(position.position);
        maxTimestamp = RecordBatch.NO_TIMESTAMP;
        offsetOfMaxTimestamp = -1;
        loadMaxTimestamp();
        bytesSinceLastIndexEntry = 0;
        return before - records.sizeInBytes();
    }

    void flush() throws IOException {
        records.flush();
        offsetIndex.flush();
        timeIndex.flush();
    }

    /** Trims a pre-allocated file to its content, when the segment stops being the active one. */
    void onRoll() throws IOException {
        records.trim();
        offsetIndex.flush();
        timeIndex.flush();
        offsetIndex.closeChannel();
        timeIndex.closeChannel();
    }

    void close() throws IOException {
        offsetIndex.closeChannel();
        timeIndex.closeChannel();
        records.close();
    }

    /** Renames the files with {@code .deleted} so reads in flight still work, for deletion after a delay. */
    void markDeleted() throws IOException {
        renameWithSuffix(records.file().toPath(), DELETED_SUFFIX);
        offsetIndex.closeChannel();
        timeIndex.closeChannel();
        moveIfExists(offsetIndex.file(), DELETED_SUFFIX);
        moveIfExists(timeIndex.file(), DELETED_SUFFIX);
    }

    private void renameWithSuffix(Path file, String suffix) throws IOException {
        records.renameTo(file.resolveSibling(file.getFileName() + suffix).toFile());
    }

    private static void moveIfExists(Path file, String suffix) throws IOException {
        if (Files.exists(file)) {
            Files.move(
                    file,
                    file.resolveSibling(file.getFileName() + suffix),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Closes the segment and moves its files (log and indexes) into {@code target}, for inspection or repair. */
    void moveTo(Path target) throws IOException {
        close();
        for (Path file : new Path[] {records.file().toPath(), offsetIndex.file(), timeIndex.file()}) {
            if (Files.exists(file)) {
                Files.move(file, target.resolve(file.getFileName()));
            }
        }
    }

    /** Closes and removes the files, whatever their suffix. */
    void deleteFiles() throws IOException {
        close();
        Files.deleteIfExists(records.file().toPath());
        Files.deleteIfExists(offsetIndex.file());
        Files.deleteIfExists(
                offsetIndex.file().resolveSibling(offsetIndex.file().getFileName() + DELETED_SUFFIX));
        Files.deleteIfExists(timeIndex.file());
        Files.deleteIfExists(timeIndex.file().resolveSibling(timeIndex.file().getFileName() + DELETED_SUFFIX));
    }

    @Override
    public String toString() {
        return "Segment(" + records.file() + ", size=" + size() + ")";
    }

    /** Sees each valid batch during recovery. */
    @FunctionalInterface
    interface BatchVisitor {
        void accept(RecordBatch batch);
    }
}
