package io.vertebra.connect.file.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active output file of the sink: buffered appends, durable commits recorded in a {@link CommitMarker}, and
 * rolling. Used by the task thread only.
 *
 * <p>Rolling renames the active file to {@code <name>.<sequence>} (000001, 000002 ...) and starts an empty one. A roll
 * happens only at a commit point: commit, rename, then a marker for the empty file. After a crash between the rename
 * and that marker, the active file is shorter than the marker says, which recovery reads as "the roll happened".
 *
 * <p>Recovery when opening: bytes beyond the marker's size are cut off (they were never committed), and {@link
 * #nextOffset} tells the task where consumption resumes. A file without a marker gets one before anything is
 * written to it, saying that what it already holds (perhaps nothing) is committed.
 */
final class OutputFile {
    private static final Logger log = LoggerFactory.getLogger(OutputFile.class);

    private final Path path;
    private final Path marker;
    private final boolean fsync;
    private final Map<TopicPartition, Long> nextOffsets = new LinkedHashMap<>();
    private final byte[] buffer;
    private final OutputStream stream = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            OutputFile.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            OutputFile.this.write(bytes, offset, length);
        }
    };
    private FileChannel channel;
    private int buffered;
    /** Bytes in the file including the buffer. */
    private long size;

    private long committedSize;
    private boolean dirty;
    /** When the first record went into the current file; -1 while it is empty of records. */
    private long firstWriteMs = -1;

    private int lastSequence;

    private OutputFile(Path path, boolean fsync, int bufferBytes) {
        this.path = path;
        this.marker = CommitMarker.pathFor(path);
        this.fsync = fsync;
        this.buffer = new byte[bufferBytes];
    }

    /** Opens (creating directories and the file as needed) and recovers the file at {@code path}. */
    static OutputFile open(Path path, boolean fsync, int bufferBytes) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Path marker = CommitMarker.pathFor(path);
        CommitMarker.State state = CommitMarker.read(marker);
        OutputFile file = new OutputFile(path, fsync, bufferBytes);
        file.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        long existing = file.channel.size();
        if (state == null) {
            // a marker before the first byte is written: a crash before the first commit must cut off that byte
            file.size = existing;
            CommitMarker.write(marker, new CommitMarker.State(existing, Map.of()));
        } else if (existing < state.size()) {
            // the file was rolled after the marker was written: the records it names are in the rolled file
            if (existing > 0) {
                log.warn(
                        "{} holds {} bytes but its commit marker says {}; starting it afresh",
                        path,
                        existing,
                        state.size());
            }
            file.channel.truncate(0);
            file.size = 0;
            CommitMarker.write(marker, new CommitMarker.State(0, state.nextOffsets()));
        } else {
            if (existing > state.size()) {
                log.info(
                        "{}: cutting off {} bytes written after the last commit; they will be written again",
                        path,
                        existing - state.size());
                file.channel.truncate(state.size());
                file.channel.force(true);
            }
            file.size = state.size();
        }
        if (state != null) {
            file.nextOffsets.putAll(state.nextOffsets());
        }
        file.committedSize = file.size;
        file.channel.position(file.size);
        file.lastSequence = lastRolledSequence(path);
        return file;
    }

    Path path() {
        return path;
    }

    /**
     * The offset of the record after the last one of {@code partition} in this file, null if it holds none: after
     * opening, what the commit marker names.
     */
    Long nextOffset(TopicPartition partition) {
        return nextOffsets.get(partition);
    }

    /** An output stream appending to this file (for generators); never closed by callers. */
    OutputStream stream() {
        return stream;
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        if (length > buffer.length - buffered) {
            drain();
            if (length > buffer.length) {
                writeFully(ByteBuffer.wrap(bytes, offset, length));
                size += length;
                return;
            }
        }
        System.arraycopy(bytes, offset, buffer, buffered, length);
        buffered += length;
        size += length;
    }

    /** Notes that the record at {@code offset} of {@code partition} is now in the file (or deliberately skipped). */
    void written(TopicPartition partition, long offset, long nowMs) {
        nextOffsets.put(partition, offset + 1);
        dirty = true;
        if (firstWriteMs < 0) {
            firstWriteMs = nowMs;
        }
    }

    long size() {
        return size;
    }

    /** When the first record of the current file was written; -1 if it has none. */
    long firstWriteMs() {
        return firstWriteMs;
    }

    /** Makes everything written so far durable and records it in the marker. Does nothing if nothing changed. */
    void commit() throws IOException {
        if (!dirty && size == committedSize) {
            return;
        }
        drain();
        if (fsync) {
            channel.force(false);
        }
        CommitMarker.write(marker, new CommitMarker.State(size, Map.copyOf(nextOffsets)));
        committedSize = size;
        dirty = false;
    }

    /** Commits, renames the file to its next rolled name and continues in a new empty file; returns the new name. */
    Path roll() throws IOException {
        commit();
        channel.close();
        Path rolled = path.resolveSibling(path.getFileName() + "." + String.format("%06d", ++lastSequence));
        Files.move(path, rolled, StandardCopyOption.ATOMIC_MOVE);
        CommitMarker.write(marker, new CommitMarker.State(0, Map.copyOf(nextOffsets)));
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        size = 0;
        committedSize = 0;
        firstWriteMs = -1;
        log.info("Rolled {} to {}", path, rolled);
        return rolled;
    }

    /** Commits and closes; the file stays where it is, to be continued by whoever opens it next. */
    void close() throws IOException {
        try {
            commit();
        } finally {
            channel.close();
        }
    }

    /** Writes what is buffered to the file (one write call), without forcing it to disk. */
    void writeBuffered() throws IOException {
        drain();
    }

    private void drain() throws IOException {
        if (buffered > 0) {
            writeFully(ByteBuffer.wrap(buffer, 0, buffered));
            buffered = 0;
        }
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static int lastRolledSequence(Path path) throws IOException {
        String prefix = path.getFileName() + ".";
        int last = 0;
        try (DirectoryStream<Path> siblings =
                Files.newDirectoryStream(path.toAbsolutePath().getParent(), prefix + "*")) {
            for (Path sibling : siblings) {
                String suffix = sibling.getFileName().toString().substring(prefix.length());
                if (!suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit) && suffix.length() < 10) {
                    last = Math.max(last, Integer.parseInt(suffix));
                }
            }
        }
        return last;
    }
}
