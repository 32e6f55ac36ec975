package io.vertebra.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Crc32C;

/**
 * Looks past a bad batch for the next whole, valid one: the test that tells a torn tail (nothing valid after the
 * first bad byte) from corruption in the middle of a segment (valid batches follow). Used by recovery and by
 * {@link LogRepair}; it runs only after recovery found a bad batch, never on the append or read paths.
 *
 * <p>A candidate at position {@code p} is a v2 batch header — base offset i64, length i32, leader epoch i32,
 * magic i8 = 2, crc u32 — whose length fits in the file and whose CRC-32C over the bytes from the attributes on
 * matches. The CRC makes a false match among random bytes negligible (2^-32 per candidate that passes the header
 * checks). Base offsets are not required to continue the sequence: a flipped bit in a base offset (which the CRC
 * does not cover) must not hide the valid batches after it.
 */
final class BatchScanner {
    private static final int LOG_OVERHEAD = 12;
    private static final int MAGIC_OFFSET = 16;
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;
    private static final int HEADER_SIZE = 61;

    private BatchScanner() {}

    /** A valid batch found by the scan: where it starts, its size in bytes and its base offset. */
    record Found(long position, int size, long baseOffset) {}

    /**
     * The first valid batch starting in {@code [from, end)} (the file positions), or {@code null} when there is
     * none.
     */
    static Found next(FileChannel channel, long from, long end) throws IOException {
        if (end - from < HEADER_SIZE) {
            return null;
        }
        MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, from, end - from);
        int limit = bytes.limit();
        for (int p = 0; p + HEADER_SIZE <= limit; p++) {
            if (bytes.get(p + MAGIC_OFFSET) != RecordBatch.MAGIC_VALUE_V2) {
                continue;
            }
            int length = bytes.getInt(p + 8);
            if (length < HEADER_SIZE - LOG_OVERHEAD || (long) p + LOG_OVERHEAD + length > limit) {
                continue;
            }
            if (crcMatches(bytes, p, length)) {
                return new Found(from + p, LOG_OVERHEAD + length, bytes.getLong(p));
            }
        }
        return null;
    }

    /** Whether the whole batch at {@code position} (absolute) is valid. */
    static Found at(FileChannel channel, long position, long end) throws IOException {
        if (end - position < HEADER_SIZE) {
            return null;
        }
        ByteBuffer header = readFully(channel, position, HEADER_SIZE);
        if (header.get(MAGIC_OFFSET) != RecordBatch.MAGIC_VALUE_V2) {
            return null;
        }
        int length = header.getInt(8);
        if (length < HEADER_SIZE - LOG_OVERHEAD || position + LOG_OVERHEAD + length > end) {
            return null;
        }
        ByteBuffer batch = readFully(channel, position, LOG_OVERHEAD + length);
        return crcMatches(batch, 0, length) ? new Found(position, LOG_OVERHEAD + length, batch.getLong(0)) : null;
    }

    /** Whether every byte in {@code [from, end)} is zero (the unused end of a pre-allocated file). */
    static boolean onlyZeros(FileChannel channel, long from, long end) throws IOException {
        if (end <= from) {
            return true;
        }
        MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, from, end - from);
        while (bytes.remaining() >= Long.BYTES) {
            if (bytes.getLong() != 0) {
                return false;
            }
        }
        while (bytes.hasRemaining()) {
            if (bytes.get() != 0) {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new java.io.EOFException("end of file at " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    /** CRC-32C of the batch at {@code p}; {@code bytes} has position 0 (the CRC helper reads relative to it). */
    private static boolean crcMatches(ByteBuffer bytes, int p, int length) {
        long stored = Integer.toUnsignedLong(bytes.getInt(p + CRC_OFFSET));
        int covered = LOG_OVERHEAD + length - ATTRIBUTES_OFFSET;
        return Crc32C.compute(bytes, p + ATTRIBUTES_OFFSET, covered) == stored;
    }
}
