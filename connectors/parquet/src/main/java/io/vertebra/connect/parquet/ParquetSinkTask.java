package io.vertebra.connect.parquet;

import io.vertebra.connect.parquet.partition.Partitioner;
import io.vertebra.connect.parquet.partition.TimestampExtractor;
import io.vertebra.connect.parquet.store.HadoopSettings;
import io.vertebra.connect.parquet.store.LakeStore;
import io.vertebra.connect.parquet.writer.LakeWriter;
import io.vertebra.connect.parquet.writer.WriterSettings;
import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * Writes records to Parquet files in the lake, exactly once: a file becomes visible only complete, its name
 * carries the offset of its first record, and on every assignment the task reads back from the store where to
 * resume. The offsets it hands the framework to commit ({@link #preCommit}) are only what the store already
 * holds, so Kafka's committed offsets never run ahead of the lake.
 *
 * <p>Every method runs on the task thread; {@link #put} and {@link #open} block on the store.
 */
public class ParquetSinkTask extends SinkTask {
    private final Clock clock;
    private LakeStore store;
    private LakeWriter writer;

    public ParquetSinkTask() {
        this(Clock.systemUTC());
    }

    /** For tests that drive time-based rotation and partitioning with their own clock. */
    public ParquetSinkTask(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        ParquetSinkConfig config = ParquetSinkConfig.parse(props);
        Configuration hadoopConf = HadoopSettings.configuration(config.hadoopConfDir(), config.originalsStrings());
        try {
            store = LakeStore.open(config.storeUrl(), config.topicsDir(), hadoopConf);
        } catch (IOException | RuntimeException e) {
            throw new ConnectException("cannot open the store " + config.storeUrl() + ": " + e.getMessage(), e);
        }
        TimestampExtractor timestamps =
                TimestampExtractor.create(config.timestampSource(), config.timestampField(), clock);
        Partitioner partitioner = Partitioner.create(
                config.partitionerKind(),
                config.partitionFields(),
                config.pathFormat(),
                config.partitionDurationMs(),
                config.locale(),
                config.timezone(),
                timestamps);
        WriterSettings settings = new WriterSettings(
                config.flushSize(),
                config.rotateIntervalMs(),
                config.rotateScheduleIntervalMs(),
                WriterSettings.codec(config.codec()),
                config.ignoreNullValues(),
                config.storeRetries(),
                config.retryBackoffMs(),
                partitioner,
                timestamps,
                clock,
                hadoopConf);
        writer = new LakeWriter(store, settings, context);
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        writer.open(partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        writer.put(records);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        return writer.publishedOffsets();
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (writer != null) {
            writer.close(partitions);
        }
    }

    @Override
    public void stop() {
        if (writer != null) {
            writer.abortAll();
        }
        if (store != null) {
            try {
                store.close();
            } catch (IOException ignored) {
                // nothing pending is left to lose
            }
        }
    }
}
