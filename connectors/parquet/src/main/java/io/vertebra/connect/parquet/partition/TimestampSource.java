package io.vertebra.connect.parquet.partition;

import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/** Where record time comes from ({@code timestamp.extractor}). */
public enum TimestampSource {
    /** The Kafka record's timestamp. */
    RECORD("Record"),
    /** A field of the record value ({@code timestamp.field}). */
    RECORD_FIELD("RecordField"),
    /** The task's clock when the record is written. */
    WALLCLOCK("Wallclock");

    private final String configName;

    TimestampSource(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static TimestampSource of(String key, String value) {
        for (TimestampSource source : values()) {
            if (source.configName.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return source;
            }
        }
        throw new ConfigException(key, value, "one of " + names());
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(TimestampSource::configName).toList();
    }
}
