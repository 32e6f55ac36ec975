package io.vertebra.connect.file.source;

import io.vertebra.connect.file.PluginVersion;
import io.vertebra.connect.file.source.parse.CsvFields;
import io.vertebra.connect.file.source.parse.CsvParser;
import io.vertebra.connect.file.source.parse.EventParser;
import io.vertebra.connect.file.source.parse.JsonObjectParser;
import io.vertebra.connect.file.source.parse.LineParser;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * Tails the files of one share of the connector's paths and pattern (see {@link FileTracker} for rotation and where
 * reading starts, {@link SourceOffsets} for the offsets).
 *
 * <p>Threads: {@link #poll()} runs on the task thread; {@link #stop()} arrives on another thread. A lock guards the
 * files: poll holds it while it reads one bounded batch and releases it while waiting for data, so stop can close
 * the files and wake the waiting poll, which then returns null. JMX threads read the progress ({@link
 * TaskProgressMXBean}: bytes read of each open file) under the same lock, so they wait at most for one batch.
 */
public class FileSourceTask extends SourceTask {
    /**
     * The task's index, which the connector adds to each task config (Debezium's key for the same): with the
     * connector's {@code name} it names the task's {@link TaskProgressMXBean}.
     */
    static final String TASK_ID = "task.id";

    private final Time time;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private volatile boolean stopping;
    private FileSourceConfig config;
    private FileTracker tracker;
    private LineReader reader;
    private SourceBatch batch;
    private long nextScanMs;
    private int cursor;
    private TaskProgressBean progress;
    private volatile List<TaskProgressMXBean.ProgressItem> lastProgress = List.of();

    public FileSourceTask() {
        this(Time.SYSTEM);
    }

    FileSourceTask(Time time) {
        this.time = time;
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new FileSourceConfig(props);
        reader = new LineReader(config.readBufferBytes(), config.lineMaxBytes());
        tracker = new FileTracker(config, context.offsetStorageReader(), parsers(config), assemblers(config), reader);
        batch = new SourceBatch(config, tracker);
        nextScanMs = 0;
        progress = TaskProgressBean.register(props.get("name"), props.get(TASK_ID), this::progress);
    }

    /**
     * Bytes read of each open file and its size now (JMX threads). Waits for the task thread's current batch, at
     * most a second, then answers what it found last time.
     */
    List<TaskProgressMXBean.ProgressItem> progress() {
        try {
            if (!lock.tryLock(1, TimeUnit.SECONDS)) {
                return lastProgress;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return lastProgress;
        }
        try {
            List<TaskProgressMXBean.ProgressItem> items = new java.util.ArrayList<>();
            if (tracker != null && !stopping) {
                for (TrackedFile file : tracker.files()) {
                    try {
                        long size = file.channel.size();
                        items.add(new TaskProgressMXBean.ProgressItem(
                                file.pathText(), "bytes", Math.min(file.readPosition, size), size));
                    } catch (IOException closed) {
                        // closed while idle or rotated away: no longer in progress
                    }
                }
            }
            lastProgress = List.copyOf(items);
            return lastProgress;
        } finally {
            lock.unlock();
        }
    }

    private static Supplier<EventParser> parsers(FileSourceConfig config) {
        return switch (config.format()) {
            case LINE -> {
                LineParser line = new LineParser();
                yield () -> line;
            }
            case JSON -> {
                JsonObjectParser json = new JsonObjectParser();
                yield () -> json;
            }
            case CSV -> {
                CsvFields fields = new CsvFields(config.csvDelimiter(), config.csvQuote());
                yield () -> new CsvParser(fields, config.csvHeader(), config.csvColumns());
            }
        };
    }

    private static Supplier<MultilineAssembler> assemblers(FileSourceConfig config) {
        if (config.multilineStart() == null) {
            return () -> null;
        }
        return () -> new MultilineAssembler(
                config.multilineStart(), config.multilineMaxLines(), config.multilineTimeoutMs());
    }

    /**
     * Returns up to one batch of records, or null after waiting up to {@code poll.interval.ms} when every file is at
     * its end. Throws a {@link ConnectException} naming the file when reading fails or an event cannot be parsed
     * under {@code parse.errors=fail}.
     */
    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        lock.lock();
        try {
            if (stopping) {
                return null;
            }
            long nowMs = time.milliseconds();
            if (nowMs >= nextScanMs) {
                tracker.scan(nowMs);
                nextScanMs = nowMs + config.scanIntervalMs();
            }
            batch.begin(nowMs);
            List<TrackedFile> files = tracker.files();
            int count = files.size();
            for (int i = 0; i < count && !batch.isFull(); i++) {
                TrackedFile file = files.get((cursor + i) % count);
                if (read(file)) {
                    file.lastGrowthMs = nowMs;
                }
            }
            cursor = count == 0 ? 0 : (cursor + 1) % count;
            long deadlineMs = nextScanMs;
            for (TrackedFile file : files) {
                if (file.assembler != null) {
                    batch.flushIdle(file);
                    deadlineMs = Math.min(deadlineMs, file.assembler.deadlineMs());
                }
            }
            tracker.closeIdle(nowMs, batch::flushPending);
            if (!batch.isEmpty()) {
                return batch.records();
            }
            long waitMs = Math.min(config.pollIntervalMs(), deadlineMs - nowMs);
            if (waitMs > 0 && !stopping) {
                wakeUp.await(waitMs, TimeUnit.MILLISECONDS);
            }
            return null;
        } catch (IOException e) {
            throw new ConnectException("Scanning for files failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    private boolean read(TrackedFile file) {
        try {
            return reader.read(file, batch);
        } catch (IOException e) {
            throw new ConnectException(
                    "Reading " + file.pathText() + " at byte " + file.readPosition + " failed: " + e, e);
        }
    }

    /** Called on another thread: makes a waiting poll return, then closes every file. */
    @Override
    public void stop() {
        stopping = true;
        lock.lock();
        try {
            wakeUp.signalAll();
            if (tracker != null) {
                tracker.closeAll();
            }
        } finally {
            lock.unlock();
        }
        if (progress != null) {
            progress.close();
        }
    }
}
