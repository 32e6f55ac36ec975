package io.vertebra.log.storage;

import io.vertebra.log.config.LogConfig;
import io.vertebra.log.storage.checkpoint.CheckpointFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's log directory: one sub-directory per partition replica, plus the offsets checkpoint and the
 * clean-shutdown marker.
 *
 * <pre>
 * &lt;log.dir&gt;/
 *   &lt;topic&gt;-&lt;partition&gt;/          segments, indexes, leader-epoch-checkpoint, producer snapshots,
 *                                partition.metadata (the topic id, so a re-created topic is not confused)
 *   partition-checkpoints        per partition: recovery point, high watermark, log start offset
 *   .clean-shutdown              present only after a clean shutdown; recovery is skipped when found
 * </pre>
 *
 * Also runs the background work on one scheduler thread: retention, time-based flushes, checkpoints and
 * delayed file deletion. Logs are opened on demand when the broker learns it hosts a partition. A log that cannot
 * be opened (corrupt and quarantined, unreadable, out of file handles) makes that one partition offline, with
 * the reason kept in {@link #offline()}; the broker runs on with the others. While any partition is offline the
 * directory is not marked clean at close, so the next start recovers it.
 */
public final class LogDirectory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LogDirectory.class);
    private static final String CHECKPOINTS = "partition-checkpoints";
    private static final String CLEAN_SHUTDOWN = ".clean-shutdown";
    private static final String PARTITION_METADATA = "partition.metadata";

    private final Path dir;
    private final Time time;
    private final ScheduledExecutorService background;
    private final Map<TopicPartition, PartitionLog> logs = new ConcurrentHashMap<>();
    /** Partitions this broker hosts whose log could not be opened → why; requests to them fail. */
    private final Map<TopicPartition, String> offline = new ConcurrentHashMap<>();
    /** The topic each offline entry was recorded for, so a later topic with the same name is not held by it. */
    private final Map<TopicPartition, Uuid> offlineTopicIds = new ConcurrentHashMap<>();

    private final Map<TopicPartition, PartitionLog.Checkpoints> stored;
    private final boolean cleanShutdown;
    private final CheckpointFile checkpointFile;

    public LogDirectory(Path dir, Time time) throws IOException {
        this.dir = dir;
        this.time = time;
        boolean existed = Files.isDirectory(dir) && Files.list(dir).findAny().isPresent();
        Files.createDirectories(dir);
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "log-background");
            t.setDaemon(true);
            return t;
        });
        this.cleanShutdown = Files.deleteIfExists(dir.resolve(CLEAN_SHUTDOWN)) || !existed;
        CheckpointFile.forceDirectory(dir);
        this.checkpointFile = new CheckpointFile(dir.resolve(CHECKPOINTS), 0);
        this.stored = readCheckpoints();
        if (!cleanShutdown) {
            log.info("{}: previous shutdown was not clean; logs will be recovered from their recovery points", dir);
        }
    }

    public Path path() {
        return dir;
    }

    public ScheduledExecutorService background() {
        return background;
    }

    public boolean wasCleanShutdown() {
        return cleanShutdown;
    }

    private Map<TopicPartition, PartitionLog.Checkpoints> readCheckpoints() {
        Map<TopicPartition, PartitionLog.Checkpoints> map = new HashMap<>();
        try {
            for (String line : checkpointFile.read()) {
                String[] f = line.split(" ");
                map.put(
                        new TopicPartition(f[0], Integer.parseInt(f[1])),
                        new PartitionLog.Checkpoints(
                                Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4]), cleanShutdown));
            }
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "{}: unreadable {} ({}); every log will be recovered from its start",
                    dir,
                    CHECKPOINTS,
                    e.toString());
            map.clear();
        }
        return map;
    }

    /** Starts the periodic background work. */
    public void startBackgroundTasks(long retentionCheckMs, long flushCheckMs, long checkpointMs) {
        background.scheduleWithFixedDelay(
                this::applyRetention, retentionCheckMs, retentionCheckMs, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::flushByTime, flushCheckMs, flushCheckMs, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::checkpointQuietly, checkpointMs, checkpointMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens the log of a partition this broker hosts, creating it if new. When it cannot be opened the partition
     * is recorded as offline, the reason logged at ERROR, and a {@link KafkaStorageException} (a
     * {@link CorruptLogException} for corruption) thrown.
     */
    public PartitionLog openLog(TopicPartition tp, Uuid topicId, LogConfig config) {
        try {
            PartitionLog opened = open(tp, topicId, config);
            offline.remove(tp);
            offlineTopicIds.remove(tp);
            return opened;
        } catch (CorruptLogException e) {
            offlineTopicIds.put(tp, topicId);
            offline.put(tp, e.getMessage());
            log.error("{} is offline on this broker: {}", tp, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            String reason = "cannot open the log of " + tp + " in " + dir + ": " + cause;
            offlineTopicIds.put(tp, topicId);
            offline.put(tp, reason);
            log.error("{}; the partition is offline on this broker, the others are served", reason, cause);
            throw new KafkaStorageException(reason, cause);
        }
    }

    /** The hosted partitions whose log is offline, each with the reason (a live view). */
    public Map<TopicPartition, String> offline() {
        return java.util.Collections.unmodifiableMap(offline);
    }

    /** Whether {@code tp} is offline here for the topic {@code topicId} (not for an earlier topic of that name). */
    public boolean isOffline(TopicPartition tp, Uuid topicId) {
        return offline.containsKey(tp) && topicId.equals(offlineTopicIds.get(tp));
    }

    /**
     * Drops an offline partition this broker no longer hosts under the topic it was recorded for (the topic was
     * deleted, perhaps already re-created under the same name, or the replica moved away): forgets it and deletes
     * its directory as {@link #deleteLog} deletes an open log's — quarantined segments included, which are moved
     * aside instead ({@link #keepQuarantined}) — so a new topic of that name starts from an empty directory.
     */
    public void dropOffline(TopicPartition tp, String why) {
        if (offline.remove(tp) == null) {
            return;
        }
        offlineTopicIds.remove(tp);
        Path partitionDir = dir.resolve(PartitionLog.dirName(tp));
        log.info("{} was offline on this broker and {}; deleting what is left of its log in {}", tp, why, partitionDir);
        try {
            keepQuarantined(tp, partitionDir, why);
            if (Files.exists(partitionDir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (var files = Files.walk(partitionDir)) {
                    for (Path file :
                            files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("{}: cannot delete {} ({}); it is moved aside at the next start", tp, partitionDir, e.toString());
        }
    }

    /**
     * Quarantined segments are evidence of corruption and never deleted by the broker: when the partition they
     * belong to is deleted, the {@code quarantine/} directory (and the marker saying what was found) move to
     * {@code <topic>-<partition>-<ms>.stray/}, which nothing touches again, with a warning naming it.
     */
    private void keepQuarantined(TopicPartition tp, Path partitionDir, String why) throws IOException {
        Path quarantined = partitionDir.resolve(Quarantine.DIR);
        Path marker = partitionDir.resolve(Quarantine.MARKER);
        if (!Files.isDirectory(quarantined) && !Files.exists(marker)) {
            return;
        }
        Path aside = dir.resolve(PartitionLog.dirName(tp) + "-" + time.milliseconds() + ".stray");
        Files.createDirectories(aside);
        if (Files.isDirectory(quarantined)) {
            Files.move(quarantined, aside.resolve(Quarantine.DIR));
        }
        if (Files.exists(marker)) {
            Files.move(marker, aside.resolve(Quarantine.MARKER));
        }
        CheckpointFile.forceDirectory(dir);
        log.warn(
                "{}: {}; keeping its quarantined segments in {}: they are never deleted automatically, remove them"
                        + " once inspected",
                tp,
                why,
                aside);
    }

    /** Whether the partition's log is held offline by a quarantine of corrupt segments. */
    public boolean isQuarantined(TopicPartition tp) {
        return Quarantine.isQuarantined(dir.resolve(PartitionLog.dirName(tp)));
    }

    /**
     * Lifts the quarantine of a partition whose replica will be re-fetched from its leader: the log then opens
     * with the segments before the corruption, and follower truncation and fetching fill in the rest. The
     * quarantined files stay for inspection.
     */
    public void releaseQuarantine(TopicPartition tp, String why) {
        try {
            Quarantine.release(dir.resolve(PartitionLog.dirName(tp)), why);
        } catch (IOException e) {
            throw new KafkaStorageException("cannot lift the quarantine of " + tp + ": " + e, e);
        }
        log.warn("{}: lifting the quarantine of its corrupt segments: {}", tp, why);
    }

    private PartitionLog open(TopicPartition tp, Uuid topicId, LogConfig config) {
        return logs.computeIfAbsent(tp, key -> {
            try {
                Path partitionDir = dir.resolve(PartitionLog.dirName(tp));
                if (Files.isDirectory(partitionDir) && !sameTopic(partitionDir, topicId)) {
                    Path stray = partitionDir.resolveSibling(
                            partitionDir.getFileName() + "-" + System.currentTimeMillis() + ".stray");
                    log.warn("{} belongs to an earlier topic with the same name; moving it to {}", partitionDir, stray);
                    Files.move(partitionDir, stray);
                }
                boolean existed = Files.isDirectory(partitionDir);
                PartitionLog.Checkpoints checkpoints = stored.getOrDefault(
                        tp,
                        existed ? new PartitionLog.Checkpoints(0, 0, 0, cleanShutdown) : PartitionLog.Checkpoints.NEW);
                PartitionLog partitionLog = PartitionLog.load(tp, partitionDir, config, checkpoints, time, background);
                Files.writeString(
                        partitionDir.resolve(PARTITION_METADATA),
                        "version: 0\ntopic_id: " + topicId + "\n",
                        StandardCharsets.UTF_8);
                return partitionLog;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the log of " + tp + " in " + dir, e);
            }
        });
    }

    private static boolean sameTopic(Path partitionDir, Uuid topicId) throws IOException {
        Path file = partitionDir.resolve(PARTITION_METADATA);
        if (!Files.exists(file)) {
            return true;
        }
        return Files.readString(file, StandardCharsets.UTF_8).contains("topic_id: " + topicId);
    }

    public PartitionLog log(TopicPartition tp) {
        return logs.get(tp);
    }

    public Map<TopicPartition, PartitionLog> logs() {
        return logs;
    }

    /**
     * Deletes a partition's log (topic deleted or replica moved away); the quarantined segments of an earlier
     * corruption are moved aside, not deleted ({@link #keepQuarantined}).
     */
    public void deleteLog(TopicPartition tp) {
        PartitionLog removed = logs.remove(tp);
        if (removed != null) {
            try {
                keepQuarantined(tp, dir.resolve(PartitionLog.dirName(tp)), "its log is deleted");
            } catch (IOException e) {
                log.warn(
                        "{}: cannot move its quarantined segments aside ({}); keeping its directory", tp, e.toString());
                removed.close();
                return;
            }
            removed.delete();
        }
    }

    /** Partition directories on disk that no current topic owns; moved aside, never deleted outright. */
    public void quarantineStrays(java.util.Set<TopicPartition> known) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                int dash = name.lastIndexOf('-');
                if (name.endsWith(".stray") || dash <= 0) {
                    continue;
                }
                TopicPartition tp;
                try {
                    tp = new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (!known.contains(tp) && !logs.containsKey(tp)) {
                    Path stray = entry.resolveSibling(name + "-" + System.currentTimeMillis() + ".stray");
                    log.warn("{} is not a replica of any current topic; moving it to {}", entry, stray);
                    Files.move(entry, stray);
                }
            }
        } catch (IOException e) {
            log.warn("{}: cannot scan for stray partitions: {}", dir, e.toString());
        }
    }

    private void applyRetention() {
        long now = time.milliseconds();
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.applyRetention(now);
            } catch (RuntimeException e) {
                log.warn("retention of {} failed: {}", partitionLog.topicPartition(), e.toString());
            }
        }
    }

    private void flushByTime() {
        long now = time.milliseconds();
        for (PartitionLog partitionLog : logs.values()) {
            try {
                partitionLog.maybeFlushByTime(now);
            } catch (RuntimeException e) {
                log.warn("flush of {} failed: {}", partitionLog.topicPartition(), e.toString());
            }
        }
    }

    private void checkpointQuietly() {
        try {
            checkpoint();
        } catch (IOException | RuntimeException e) {
            log.warn("{}: cannot write {}: {}", dir, CHECKPOINTS, e.toString());
        }
    }

    /** Writes recovery points, high watermarks and log start offsets of every open log. */
    public synchronized void checkpoint() throws IOException {
        List<String> lines = new ArrayList<>();
        for (PartitionLog l : logs.values()) {
            TopicPartition tp = l.topicPartition();
            lines.add(tp.topic() + " " + tp.partition() + " " + l.recoveryPoint() + " " + l.highWatermark() + " "
                    + l.logStartOffset());
        }
        for (TopicPartition tp : offline.keySet()) {
            PartitionLog.Checkpoints c = stored.get(tp);
            if (c != null && !logs.containsKey(tp)) {
                lines.add(tp.topic() + " " + tp.partition() + " " + c.recoveryPoint() + " " + c.highWatermark() + " "
                        + c.logStartOffset());
            }
        }
        checkpointFile.write(lines);
    }

    /** Clean shutdown: flush and close every log, checkpoint, then leave the clean-shutdown marker. */
    @Override
    public void close() {
        background.shutdownNow();
        for (PartitionLog l : logs.values()) {
            try {
                l.close();
            } catch (RuntimeException e) {
                log.warn("error closing {}: {}", l.topicPartition(), e.toString());
            }
        }
        try {
            checkpoint();
            if (!offline.isEmpty()) {
                log.warn(
                        "{}: {} partition(s) offline ({}); not marking the shutdown clean, so the next start recovers"
                                + " them",
                        dir,
                        offline.size(),
                        offline.keySet());
                return;
            }
            Files.writeString(dir.resolve(CLEAN_SHUTDOWN), "clean\n");
            CheckpointFile.forceDirectory(dir);
        } catch (IOException e) {
            log.warn("{}: cannot record the clean shutdown: {}", dir, e.toString());
        }
    }
}
