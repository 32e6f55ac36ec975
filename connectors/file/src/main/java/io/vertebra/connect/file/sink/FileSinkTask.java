package io.vertebra.connect.file.sink;

import io.vertebra.connect.confine.AllowedDirs;
import io.vertebra.connect.file.PluginVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Appends record values to files, one file per topic partition or shared, rolling by size and time.
 *
 * <p>Exactly-once: {@link #flush} (called by Connect before it commits offsets) makes the files durable and writes
 * each file's {@link CommitMarker}; {@link #open} cuts off anything written after the last marker and rewinds the
 * partitions to the offsets the marker names. So a crash between writing and committing neither loses nor repeats a
 * line.
 *
 * <p>Threads: Connect calls every method on the task thread.
 */
public class FileSinkTask extends SinkTask {
    private final Time time;
    private FileSinkConfig config;
    private AllowedDirs allowedDirs;
    private RecordFormat format;
    private final Map<Path, OutputFile> files = new HashMap<>();
    private final Map<TopicPartition, OutputFile> byPartition = new HashMap<>();

    public FileSinkTask() {
        this(Time.SYSTEM);
    }

    FileSinkTask(Time time) {
        this.time = time;
    }

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new FileSinkConfig(props);
        allowedDirs = AllowedDirs.fromSystemProperty();
        format = config.format() == FileSinkConfig.Format.JSON ? new JsonFormat() : new LineFormat();
    }

    /**
     * Opens (and recovers) the file of each new partition and rewinds the partition to what the file holds: the
     * offsets of a freshly opened file's last commit, or, for a file that stayed open for other partitions, the
     * record after the last one written to it.
     */
    @Override
    public void open(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> rewind = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OutputFile file = fileOf(partition);
            Long next = file.nextOffset(partition);
            if (next != null) {
                rewind.put(partition, next);
            }
        }
        if (!rewind.isEmpty()) {
            context.offset(rewind);
        }
    }

    private OutputFile fileOf(TopicPartition partition) {
        OutputFile file = byPartition.get(partition);
        if (file != null) {
            return file;
        }
        Path path = config.filePath().render(partition.topic(), partition.partition());
        file = files.get(path);
        if (file == null) {
            // checked again here: a link may have been placed in an allowed directory since the config was validated
            allowedDirs.problem(FileSinkConfig.FILE_PATH, path.toString()).ifPresent(problem -> {
                throw new ConnectException("Not opening " + path + " for " + partition + ": " + problem);
            });
            try {
                file = OutputFile.open(path, config.fsync(), config.writeBufferBytes());
            } catch (IOException e) {
                throw new ConnectException("Cannot open " + path + " for " + partition + ": " + e, e);
            }
            files.put(path, file);
        }
        byPartition.put(partition, file);
        return file;
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        long nowMs = time.milliseconds();
        OutputFile file = null;
        try {
            for (SinkRecord record : records) {
                TopicPartition partition = new TopicPartition(record.topic(), record.kafkaPartition());
                file = fileOf(partition);
                if (record.value() != null || config.writeNulls()) {
                    format.write(record, file);
                }
                file.written(partition, record.kafkaOffset(), nowMs);
                if (config.rollSizeBytes() > 0 && file.size() >= config.rollSizeBytes()) {
                    file.roll();
                }
            }
            rollByTime(nowMs);
            for (OutputFile open : files.values()) {
                open.writeBuffered(); // visible to readers now, durable at the next commit
            }
        } catch (IOException e) {
            throw new ConnectException(
                    "Writing to " + (file == null ? "the output file" : file.path()) + " failed: " + e, e);
        }
    }

    /** Makes everything put so far durable (fsync + commit marker) before Connect commits the offsets. */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        for (OutputFile file : files.values()) {
            try {
                file.commit();
            } catch (IOException e) {
                throw new ConnectException("Committing " + file.path() + " failed: " + e, e);
            }
        }
        try {
            rollByTime(time.milliseconds());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void rollByTime(long nowMs) throws IOException {
        if (config.rollIntervalMs() <= 0) {
            return;
        }
        for (OutputFile file : files.values()) {
            if (file.firstWriteMs() >= 0 && nowMs - file.firstWriteMs() >= config.rollIntervalMs()) {
                file.roll();
            }
        }
    }

    /** Commits and closes the files of partitions this task no longer owns. */
    @Override
    public void close(Collection<TopicPartition> partitions) {
        List<OutputFile> released = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            OutputFile file = byPartition.remove(partition);
            if (file != null && !byPartition.containsValue(file)) {
                released.add(file);
            }
        }
        closeAll(released);
    }

    @Override
    public void stop() {
        closeAll(new ArrayList<>(files.values()));
        byPartition.clear();
    }

    private void closeAll(List<OutputFile> toClose) {
        ConnectException failure = null;
        for (OutputFile file : toClose) {
            files.remove(file.path());
            try {
                file.close();
            } catch (IOException e) {
                failure = new ConnectException("Closing " + file.path() + " failed: " + e, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
