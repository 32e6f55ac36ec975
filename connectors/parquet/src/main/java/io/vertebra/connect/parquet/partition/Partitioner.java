package io.vertebra.connect.parquet.partition;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Maps a record to the directory its file lives in, relative to {@code <topics.dir>/<topic>/}: Hive-style
 * {@code name=value} segments joined by {@code /}, no leading or trailing slash. Called on the task thread for
 * every record; implementations may cache but must be deterministic for a given record.
 */
public interface Partitioner {
    String directoryFor(SinkRecord record);

    /** The partitioner a configuration asks for. */
    static Partitioner create(
            PartitionerKind kind,
            List<String> fields,
            String pathFormat,
            long durationMs,
            Locale locale,
            ZoneId zone,
            TimestampExtractor timestamps) {
        return switch (kind) {
            case DEFAULT -> new DefaultPartitioner();
            case FIELD -> new FieldPartitioner(fields);
            case TIME -> new TimeBasedPartitioner(pathFormat, durationMs, locale, zone, timestamps);
            case HOURLY, DAILY ->
                new TimeBasedPartitioner(kind.fixedPathFormat(), kind.fixedDurationMs(), locale, zone, timestamps);
        };
    }
}
