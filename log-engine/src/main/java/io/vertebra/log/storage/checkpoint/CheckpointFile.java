package io.vertebra.log.storage.checkpoint;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A small text file that is replaced atomically: written to {@code <name>.tmp}, forced to disk, renamed over
 * the old file, and the directory forced, so after a crash the file holds either the old or the new content,
 * never a mix.
 *
 * <pre>
 * line 1: format version (an integer)
 * line 2: number of entries N
 * lines 3..N+2: one entry per line, fields separated by a space
 * </pre>
 *
 * A file whose version or count does not match is reported as {@link IOException}, never silently half-read.
 */
public final class CheckpointFile {
    private final Path file;
    private final int version;

    public CheckpointFile(Path file, int version) {
        this.file = file;
        this.version = version;
    }

    public Path path() {
        return file;
    }

    public void write(List<String> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append(version).append('\n').append(entries.size()).append('\n');
        for (String entry : entries) {
            text.append(entry).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            var buffer = java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.getParent());
    }

    /** The entries, or an empty list when the file does not exist. */
    public List<String> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (lines.size() < 2) {
            throw new IOException("checkpoint " + file + " is truncated: " + lines.size() + " lines");
        }
        int fileVersion;
        int count;
        try {
            fileVersion = Integer.parseInt(lines.get(0).trim());
            count = Integer.parseInt(lines.get(1).trim());
        } catch (NumberFormatException e) {
            throw new IOException("checkpoint " + file + " has a malformed header: " + e.getMessage());
        }
        if (fileVersion != version) {
            throw new IOException("checkpoint " + file + " has version " + fileVersion + ", expected " + version);
        }
        if (lines.size() - 2 != count) {
            throw new IOException(
                    "checkpoint " + file + " announces " + count + " entries but holds " + (lines.size() - 2));
        }
        return new ArrayList<>(lines.subList(2, lines.size()));
    }

    /** Makes a rename or a file creation in {@code dir} durable. */
    public static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Some file systems cannot open a directory; the rename itself is still atomic there.
        }
    }
}
