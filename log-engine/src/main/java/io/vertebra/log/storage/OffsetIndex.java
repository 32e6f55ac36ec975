package io.vertebra.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sparse offset index of one segment: every {@code index.interval.bytes} of log, the offset of a batch and
 * its byte position, so a read finds its place with a binary search and a short forward scan.
 *
 * <pre>
 * &lt;baseOffset&gt;.index, a sequence of 8-byte entries, big-endian:
 *  +----------------------------+----------------------------+
 *  | relative offset (int32)    | file position (int32)      |   offset - baseOffset, byte position in .log
 *  +----------------------------+----------------------------+
 *  ... entries strictly increasing in both fields ...
 * </pre>
 *
 * The entries live in memory; the file is appended as entries are added and is written out whole on
 * {@link #rewrite}. After a crash the file may lack its last entries or end in garbage: {@link #load} keeps
 * the valid, increasing prefix that lies inside the log, and a segment that was being written is re-indexed
 * from its batches during recovery anyway. Not thread-safe: the owning segment serialises writers, and
 * readers see a prefix through the volatile entry count.
 */
final class OffsetIndex {
    static final int ENTRY_SIZE = 8;

    private final IndexFile file;
    private int[] relativeOffsets = new int[64];
    private int[] positions = new int[64];
    private volatile int entries;
    private final ByteBuffer entryBuffer = ByteBuffer.allocate(ENTRY_SIZE);

    OffsetIndex(Path file) {
        this.file = new IndexFile(file, ENTRY_SIZE);
    }

    Path file() {
        return file.path();
    }

    int entries() {
        return entries;
    }

    /** Loads the valid prefix of an existing file: entries increasing and positions below {@code logSize}. */
    void load(int logSize) throws IOException {
        entries = 0;
        ByteBuffer buffer = file.read();
        int lastOffset = -1;
        int lastPosition = -1;
        while (buffer.remaining() >= ENTRY_SIZE) {
            int relative = buffer.getInt();
            int position = buffer.getInt();
            if (relative <= lastOffset || position <= lastPosition || position >= logSize || relative < 0) {
                break;
            }
            appendInMemory(relative, position);
            lastOffset = relative;
            lastPosition = position;
        }
    }

    /** Adds an entry; ignored unless it lies after the last one. */
    void append(int relativeOffset, int position) throws IOException {
        int n = entries;
        if (n > 0 && (relativeOffset <= relativeOffsets[n - 1] || position <= positions[n - 1])) {
            return;
        }
        entryBuffer.clear();
        entryBuffer.putInt(relativeOffset).putInt(position).flip();
        file.append(entryBuffer, n);
        appendInMemory(relativeOffset, position);
    }

    private void appendInMemory(int relativeOffset, int position) {
        int n = entries;
        if (n == relativeOffsets.length) {
            relativeOffsets = Arrays.copyOf(relativeOffsets, n * 2);
            positions = Arrays.copyOf(positions, n * 2);
        }
        relativeOffsets[n] = relativeOffset;
        positions[n] = position;
        entries = n + 1;
    }

    /**
     * Position of the last indexed batch whose relative offset is at most {@code relativeOffset}, or 0 when the
     * offset precedes every entry.
     */
    int floorPosition(int relativeOffset) {
        int i = floorIndex(relativeOffset);
        return i < 0 ? 0 : positions[i];
    }

    /** Relative offset of the floor entry of {@code relativeOffset}, or -1. */
    int floorOffset(int relativeOffset) {
        int i = floorIndex(relativeOffset);
        return i < 0 ? -1 : relativeOffsets[i];
    }

    private int floorIndex(int relativeOffset) {
        int lo = 0;
        int hi = entries - 1;
        int found = -1;
        int[] offsets = relativeOffsets;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] <= relativeOffset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Drops entries at or after {@code relativeOffset} (log truncation) and rewrites the file. */
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

    /** Writes the in-memory entries as the whole file. */
    void rewrite() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(entries * ENTRY_SIZE);
        for (int i = 0; i < entries; i++) {
            buffer.putInt(relativeOffsets[i]).putInt(positions[i]);
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
