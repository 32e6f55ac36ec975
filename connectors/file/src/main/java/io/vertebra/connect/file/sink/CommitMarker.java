package io.vertebra.connect.file.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * A small file next to each active output file that says how much of it is durable and which records that is. It
 * is what makes the sink exactly-once across crashes: bytes beyond {@code size} were written after the last commit
 * and are cut off on recovery, and consumption restarts at the recorded offsets, so no record is written twice or
 * lost. Replaced atomically (write a temporary file, fsync, rename, fsync the directory), so a crash leaves either the
 * old or the new marker.
 *
 * <pre>
 * .out.log.commit:
 *   vertebra-file-sink-commit 1
 *   size&lt;TAB&gt;123456                       bytes of out.log that are committed
 *   next&lt;TAB&gt;orders&lt;TAB&gt;0&lt;TAB&gt;1000          for each topic partition written: the offset of the next record
 * </pre>
 */
final class CommitMarker {
    private static final String MAGIC = "vertebra-file-sink-commit 1";

    /** A marker's content: committed bytes and the next offset of each partition written to the file. */
    record State(long size, Map<TopicPartition, Long> nextOffsets) {}

    private CommitMarker() {}

    /** The marker of an output file: a hidden file beside it. */
    static Path pathFor(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".commit");
    }

    /** The marker's state, or null when there is no marker. */
    static State read(Path marker) throws IOException {
        String text;
        try {
            text = Files.readString(marker, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        String[] lines = text.split("\n");
        if (lines.length < 2 || !lines[0].equals(MAGIC) || !lines[1].startsWith("size\t")) {
            throw new ConnectException(marker + " is not a file sink commit marker (it must start with '" + MAGIC
                    + "'); move it away to start the file afresh");
        }
        try {
            long size = Long.parseLong(lines[1].substring("size\t".length()));
            Map<TopicPartition, Long> next = new LinkedHashMap<>();
            for (int i = 2; i < lines.length; i++) {
                String[] fields = lines[i].split("\t");
                if (fields.length != 4 || !fields[0].equals("next")) {
                    throw new NumberFormatException("line " + (i + 1) + ": " + lines[i]);
                }
                next.put(new TopicPartition(fields[1], Integer.parseInt(fields[2])), Long.parseLong(fields[3]));
            }
            return new State(size, next);
        } catch (NumberFormatException e) {
            throw new ConnectException(
                    marker + " is damaged (" + e.getMessage() + "); move it away to start the file" + " afresh");
        }
    }

    /** Replaces the marker atomically and durably. */
    static void write(Path marker, State state) throws IOException {
        StringBuilder text = new StringBuilder(MAGIC).append('\n');
        text.append("size\t").append(state.size()).append('\n');
        state.nextOffsets()
                .forEach((tp, offset) -> text.append("next\t")
                        .append(tp.topic())
                        .append('\t')
                        .append(tp.partition())
                        .append('\t')
                        .append(offset)
                        .append('\n'));
        Path temporary = marker.resolveSibling(marker.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
                temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, marker, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(marker.getParent());
    }

    /** Makes a rename in {@code directory} durable (a no-op where directories cannot be opened, e.g. Windows). */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not supported on this platform
        }
    }
}
