package io.vertebra.log.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file behind a sparse index: fixed-size entries appended one at a time, or the whole content rewritten.
 * The indexes keep their entries in memory; this class only moves bytes. Appending positions the file right
 * after the entries the caller holds, cutting off whatever garbage a crash may have left beyond them.
 * Single writer (the owning segment).
 */
final class IndexFile {
    private final Path path;
    private final int entrySize;
    private FileChannel channel;

    IndexFile(Path path, int entrySize) {
        this.path = path;
        this.entrySize = entrySize;
    }

    Path path() {
        return path;
    }

    /** The file's bytes, or none when it does not exist. */
    ByteBuffer read() throws IOException {
        return Files.exists(path) ? ByteBuffer.wrap(Files.readAllBytes(path)) : ByteBuffer.allocate(0);
    }

    /** Appends one entry after the first {@code entriesBefore} entries. */
    void append(ByteBuffer entry, int entriesBefore) throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            long validBytes = (long) entriesBefore * entrySize;
            channel.truncate(validBytes);
            channel.position(validBytes);
        }
        while (entry.hasRemaining()) {
            channel.write(entry);
        }
    }

    /** Replaces the whole file with {@code content}. */
    void rewrite(ByteBuffer content) throws IOException {
        close();
        try (FileChannel out = FileChannel.open(
                path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                out.write(content);
            }
        }
    }

    void flush() throws IOException {
        if (channel != null) {
            channel.force(false);
        }
    }

    void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
