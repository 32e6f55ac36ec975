package io.vertebra.connect.file.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The identity of a file's content: the CRC32C of its first {@code length} bytes. Together with the inode it tells a
 * file we have read from a file that merely reuses an inode, and a file truncated in place (copytruncate) from the
 * one it was. A young file's fingerprint covers fewer bytes than the configured length and grows with the file.
 *
 * <p>Encoded in source offsets as {@code "<length>:<crc hex>"}.
 */
public record Fingerprint(int length, long crc) {
    /** The fingerprint of an empty file, which says nothing about identity. */
    public static final Fingerprint EMPTY = of(new byte[0], 0);

    /** The first {@code min(size, maxBytes)} bytes of a file, read with positional reads (the position is kept). */
    public static byte[] readPrefix(FileChannel channel, int maxBytes) throws IOException {
        long size = channel.size();
        int length = (int) Math.min(size, maxBytes);
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, buffer.position());
            if (n < 0) {
                break; // truncated while reading: the prefix is what is there
            }
        }
        return buffer.position() == length ? buffer.array() : Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** The fingerprint of the first {@code length} bytes of {@code prefix}. */
    public static Fingerprint of(byte[] prefix, int length) {
        CRC32C crc = new CRC32C();
        crc.update(prefix, 0, length);
        return new Fingerprint(length, crc.getValue());
    }

    /** True when {@code prefix} (a file's first bytes) starts with the bytes this fingerprint was taken of. */
    public boolean matches(byte[] prefix) {
        return prefix.length >= length && of(prefix, length).crc == crc;
    }

    public String encode() {
        return length + ":" + Long.toHexString(crc);
    }

    /** Parses {@link #encode()}'s form; null when {@code text} is null or not in that form. */
    public static Fingerprint decode(Object text) {
        if (!(text instanceof String s)) {
            return null;
        }
        int colon = s.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        try {
            return new Fingerprint(
                    Integer.parseInt(s.substring(0, colon)), Long.parseUnsignedLong(s.substring(colon + 1), 16));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
