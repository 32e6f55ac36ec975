package io.vertebra.log.storage;

import io.vertebra.log.storage.checkpoint.CheckpointFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Where a partition's corrupt segments go instead of being deleted, and the marker that keeps the partition
 * offline until someone decides what to do with them.
 *
 * <pre>
 * &lt;topic&gt;-&lt;partition&gt;/
 *   QUARANTINED                 present while the partition must not open: what was found, where the files went
 *   quarantine/&lt;ms&gt;/           one directory per event: the moved .log/.index/.timeindex files and reason.txt
 * </pre>
 *
 * The marker is written (atomically) before any file moves, so a crash in the middle leaves the partition
 * offline, never online with segments missing. It goes away when the replica re-fetches the partition from its
 * leader ({@link #release}) or when {@code vertebra log repair} rebuilds the log; the quarantined files stay.
 */
public final class Quarantine {
    static final String MARKER = "QUARANTINED";
    static final String DIR = "quarantine";
    static final String REASON = "reason.txt";

    private Quarantine() {}

    /** Whether the partition in {@code partitionDir} is held offline by a quarantine. */
    public static boolean isQuarantined(Path partitionDir) {
        return Files.exists(partitionDir.resolve(MARKER));
    }

    /** What the quarantine marker says (the corruption found and where the files went). */
    public static String reason(Path partitionDir) throws IOException {
        return Files.readString(partitionDir.resolve(MARKER), StandardCharsets.UTF_8)
                .trim();
    }

    /** The newest quarantine directory of the partition, or null when there is none. */
    public static Path latest(Path partitionDir) throws IOException {
        Path root = partitionDir.resolve(DIR);
        if (!Files.isDirectory(root)) {
            return null;
        }
        Path latest = null;
        long latestMs = -1;
        try (DirectoryStream<Path> events = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path event : events) {
                try {
                    long ms = Long.parseLong(event.getFileName().toString());
                    if (ms > latestMs) {
                        latestMs = ms;
                        latest = event;
                    }
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        return latest;
    }

    /**
     * Marks the partition offline with {@code reason}, then moves {@code segments} (closing them) into a new
     * quarantine directory, which it returns.
     */
    static Path quarantine(Path partitionDir, List<Segment> segments, String reason, long nowMs) throws IOException {
        Path target = partitionDir.resolve(DIR).resolve(Long.toString(nowMs));
        Files.createDirectories(target);
        String text = reason + "\nquarantined files: " + target + "\n";
        writeAtomically(partitionDir.resolve(MARKER), text);
        Files.writeString(target.resolve(REASON), text, StandardCharsets.UTF_8);
        for (Segment segment : segments) {
            segment.moveTo(target);
        }
        CheckpointFile.forceDirectory(partitionDir);
        return target;
    }

    /**
     * Lifts the quarantine: the partition may open again with the segments left in its directory. {@code why}
     * is appended to the reason file of the latest quarantine, which keeps its files.
     */
    public static void release(Path partitionDir, String why) throws IOException {
        Path latest = latest(partitionDir);
        if (latest != null) {
            Files.writeString(
                    latest.resolve(REASON),
                    "released: " + why + "\n",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        }
        Files.deleteIfExists(partitionDir.resolve(MARKER));
        CheckpointFile.forceDirectory(partitionDir);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
