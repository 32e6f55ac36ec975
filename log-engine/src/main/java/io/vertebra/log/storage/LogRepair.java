package io.vertebra.log.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's way out of a {@link Quarantine}, for a partition with no replica to re-fetch from: rebuilds the
 * log from the quarantined segments and lifts the quarantine. Works on the files of a stopped node (the caller
 * holds the data directory's lock).
 *
 * <ul>
 *   <li>{@link Mode#KEEP_VALID}: every whole, CRC-valid batch is kept, before and after the corruption, at its
 *       own offsets; the bad byte ranges are left out, so the offsets they held are a gap (consumers skip a gap as
 *       they do after compaction).
 *   <li>{@link Mode#TRUNCATE}: only what precedes the first bad byte is kept — the log ends where the corruption
 *       starts, as a torn tail would have; producers continue from there.
 * </ul>
 *
 * The quarantined files are copied, never changed, and stay in the quarantine directory.
 */
public final class LogRepair {
    private LogRepair() {}

    /** What to keep of the quarantined segments. */
    public enum Mode {
        KEEP_VALID,
        TRUNCATE
    }

    /** A byte range of a quarantined segment left out of the repaired log. */
    public record Skipped(String file, long fromByte, long toByte) {
        @Override
        public String toString() {
            return file + " bytes " + fromByte + ".." + toByte + " (" + (toByte - fromByte) + " bytes)";
        }
    }

    /** What a repair kept: the batches and offsets restored, and the ranges left out. */
    public record Result(
            Path partitionDir, Mode mode, int batches, long firstOffset, long nextOffset, List<Skipped> skipped) {
        @Override
        public String toString() {
            String kept = batches == 0
                    ? "no batch restored"
                    : batches + " batches restored, offsets " + firstOffset + ".." + (nextOffset - 1);
            return partitionDir.getFileName() + ": " + kept + "; left out: "
                    + (skipped.isEmpty() ? "nothing" : skipped.toString());
        }
    }

    /** The partition directories of {@code logDir} held offline by a quarantine. */
    public static List<Path> quarantined(Path logDir) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(logDir)) {
            return found;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(logDir, Files::isDirectory)) {
            for (Path entry : entries) {
                if (Quarantine.isQuarantined(entry)) {
                    found.add(entry);
                }
            }
        }
        found.sort(Path::compareTo);
        return found;
    }

    /** Rebuilds the log of the quarantined partition in {@code partitionDir} and lifts its quarantine. */
    public static Result repair(Path partitionDir, Mode mode) throws IOException {
        if (!Quarantine.isQuarantined(partitionDir)) {
            throw new IllegalArgumentException(partitionDir + " is not quarantined (no " + Quarantine.MARKER
                    + " file): there is nothing to repair");
        }
        Path quarantine = Quarantine.latest(partitionDir);
        List<Path> files = new ArrayList<>();
        if (quarantine != null) {
            try (DirectoryStream<Path> logs = Files.newDirectoryStream(quarantine, "*" + Segment.LOG_SUFFIX)) {
                logs.forEach(files::add);
            }
        }
        files.sort((a, b) -> Long.compare(Segment.baseOffsetOf(a), Segment.baseOffsetOf(b)));
        List<Skipped> skipped = new ArrayList<>();
        List<Long> written = new ArrayList<>();
        int batches = 0;
        long first = -1;
        long expectedNext = -1;
        boolean stop = false;
        for (Path file : files) {
            if (stop) {
                break;
            }
            long base = Segment.baseOffsetOf(file);
            Path target = partitionDir.resolve(Segment.fileName(base, Segment.LOG_SUFFIX));
            if (Files.exists(target)) {
                throw new IllegalStateException(
                        "cannot restore " + file + ": " + target + " exists; move it away first");
            }
            expectedNext = Math.max(expectedNext, base);
            int copied = 0;
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                    FileChannel out =
                            FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                long size = in.size();
                long position = 0;
                while (position < size) {
                    BatchScanner.Found batch = BatchScanner.at(in, position, size);
                    if (batch != null && batch.baseOffset() >= expectedNext) {
                        long done = 0;
                        while (done < batch.size()) {
                            done += in.transferTo(position + done, batch.size() - done, out);
                        }
                        copied++;
                        if (first < 0) {
                            first = batch.baseOffset();
                        }
                        expectedNext = nextOffset(in, batch);
                        position += batch.size();
                        continue;
                    }
                    BatchScanner.Found next = BatchScanner.next(in, position + 1, size);
                    long end = next == null ? size : next.position();
                    skipped.add(new Skipped(file.getFileName().toString(), position, end));
                    if (mode == Mode.TRUNCATE) {
                        stop = true;
                        break;
                    }
                    position = end;
                }
                out.force(true);
            }
            batches += copied;
            if (copied == 0) {
                Files.delete(target);
            } else {
                written.add(base);
            }
        }
        for (long base : written) {
            Segment segment = Segment.open(partitionDir, base, 4096);
            try {
                segment.recover(batch -> {}, false);
                segment.flush();
            } finally {
                segment.close();
            }
        }
        Result result = new Result(partitionDir, mode, batches, first, expectedNext, skipped);
        Quarantine.release(partitionDir, "repaired with vertebra log repair (" + mode + "): " + result);
        return result;
    }

    /** The offset after {@code batch}: its base offset plus the last offset delta (header bytes 23..26). */
    private static long nextOffset(FileChannel in, BatchScanner.Found batch) throws IOException {
        java.nio.ByteBuffer delta = java.nio.ByteBuffer.allocate(4);
        in.read(delta, batch.position() + 23);
        return batch.baseOffset() + delta.getInt(0) + 1;
    }
}
