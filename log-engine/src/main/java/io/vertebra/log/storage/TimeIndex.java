package io.vertebra.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sparse time index of one segment: the largest timestamp seen so far and the offset of the batch holding it,
 * recorded at the same points as the offset index, so a timestamp lookup (ListOffsets by time, time-based
 * retention) finds the batch to start scanning from.
 *
 * <pre>
 * &lt;baseOffset&gt;.timeindex, a sequence of 12-byte entries, big-endian:
 *  +----------------------------------+----------------------------+
 *  | timestamp (int64, ms)            | relative offset (int32)    |
 *  +----------------------------------+----------------------------+
 *  ... timestamps strictly increasing, offsets non-decreasing ...
 * </pre>
 *
 * Crash handling as for {@link OffsetIndex}: the valid increasing prefix is kept, the active segment is
 * re-indexed by recovery. Single writer (the owning segment); readers see a prefix via the volatile count.
 */
final class TimeIndex {
    static final int ENTRY_SIZE = 12;

    private final IndexFile file;
    private long[] timestamps = new long[16];
    private int[] relativeOffsets = new int[16];
    private volatile int entries;
    private final ByteBuffer entryBuffer = ByteBuffer.allocate(ENTRY_SIZE);

    TimeIndex(Path file) {
        this.file = new IndexFile(file, ENTRY_SIZE);
    }

    Path file() {
        return file.path();
    }

    int entries() {
        return entries;
    }

    void load(int maxRelativeOffset) throws IOException {
        entries = 0;
        ByteBuffer buffer = file.read();
        long lastTimestamp = Long.MIN_VALUE;
        int lastOffset = -1;
        while (buffer.remaining() >= ENTRY_SIZE) {
            long timestamp = buffer.getLong();
            int relative = buffer.getInt();
            if (timestamp <= lastTimestamp || relative < lastOffset || relative > maxRelativeOffset) {
                break;
            }
            appendInMemory(timestamp, relative);
            lastTimestamp = timestamp;
            lastOffset = relative;
        }
    }

    /** The largest indexed timestamp, or -1 when empty. */
    long lastTimestamp() {
        int n = entries;
        return n == 0 ? -1 : timestamps[n - 1];
    }

    void append(long timestamp, int relativeOffset) throws IOException {
        int n = entries;
        if (n > 0 && (timestamp <= timestamps[n - 1] || relativeOffset < relativeOffsets[n - 1])) {
            return;
        }
        entryBuffer.clear();
        entryBuffer.putLong(timestamp).putInt(relativeOffset).flip();
        file.append(entryBuffer, n);
        appendInMemory(timestamp, relativeOffset);
    }

    private void appendInMemory(long timestamp, int relativeOffset) {
        int n = entries;
        if (n == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, n * 2);
            relativeOffsets = Arrays.copyOf(relativeOffsets, n * 2);
        }
        timestamps[n] = timestamp;
        relativeOffsets[n] = relativeOffset;
        entries = n + 1;
    }

    /**
     * Relative offset of the last entry whose timestamp is below {@code timestamp}: batches before it cannot
     * hold a timestamp at or above the target. 0 when no such entry exists.
     */
    int startOffsetFor(long timestamp) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (timestamps[mid] < timestamp) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : relativeOffsets[found];
    }

    void truncateTo(int relativeOffset) throws IOException {
        int n = entries;
        while (n > 0 && relativeOffsets[n - 1] >= relativeOffset) {
            n--;
        }
        if (n != entries) {
            entries = n;
            rewrite();
        }
    }

    void clear() throws IOException {
        entries = 0;
        rewrite();
    }

    void rewrite() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(entries * ENTRY_SIZE);
        for (int i = 0; i < entries; i++) {
            buffer.putLong(timestamps[i]).putInt(relativeOffsets[i]);
        }
        buffer.flip();
        file.rewrite(buffer);
    }

    void flush() throws IOException {
        file.flush();
    }

    void closeChannel() throws IOException {
        file.close();
    }
}
