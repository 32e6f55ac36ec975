package io.vertebra.connect.parquet.partition;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/** The record time, in epoch milliseconds, used by time-based paths and {@code rotate.interval.ms}. */
@FunctionalInterface
public interface TimestampExtractor {
    long timestampMs(SinkRecord record);

    static TimestampExtractor create(TimestampSource source, String field, Clock clock) {
        return switch (source) {
            case RECORD -> TimestampExtractor::kafkaTimestamp;
            case WALLCLOCK -> record -> clock.millis();
            case RECORD_FIELD -> fieldTimestamp(new FieldPath(field));
        };
    }

    private static long kafkaTimestamp(SinkRecord record) {
        Long timestamp = record.timestamp();
        if (timestamp == null || timestamp < 0) {
            throw new DataException("record " + record.topic() + "-" + record.kafkaPartition() + "@"
                    + record.kafkaOffset() + " has no Kafka timestamp; use timestamp.extractor=RecordField"
                    + " or Wallclock");
        }
        return timestamp;
    }

    private static TimestampExtractor fieldTimestamp(FieldPath path) {
        return record -> {
            Object value = path.valueIn(record);
            if (value instanceof Date date) {
                return date.getTime();
            }
            if (value instanceof Number number) {
                return number.longValue();
            }
            if (value instanceof String text) {
                try {
                    return OffsetDateTime.parse(text).toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new DataException("field '" + path.dotted() + "' of record " + record.topic() + "-"
                            + record.kafkaPartition() + "@" + record.kafkaOffset() + " is '" + text
                            + "', not an ISO-8601 timestamp with offset such as 2024-05-01T12:00:00Z");
                }
            }
            throw new DataException("field '" + path.dotted() + "' of record " + record.topic() + "-"
                    + record.kafkaPartition() + "@" + record.kafkaOffset() + " is "
                    + (value == null ? "null" : "a " + value.getClass().getSimpleName())
                    + "; timestamp.extractor=RecordField needs a Timestamp, an epoch-millisecond number or an"
                    + " ISO-8601 string");
        };
    }
}
