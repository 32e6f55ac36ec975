package io.vertebra.connect.parquet.partition;

import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * The partitioners {@code partitioner.class} can name. Values are matched by simple name, with or without the
 * package ({@code io.vertebra.connect.parquet.partition.} or Confluent's
 * {@code io.confluent.connect.storage.partitioner.}), so configurations written for Confluent's sinks work.
 */
public enum PartitionerKind {
    /** {@code partition=<kafka partition>}. */
    DEFAULT("DefaultPartitioner", null, -1),
    /** {@code <field>=<value>/...} from {@code partition.field.name}. */
    FIELD("FieldPartitioner", null, -1),
    /** Directories from {@code path.format} and {@code partition.duration.ms}. */
    TIME("TimeBasedPartitioner", null, -1),
    HOURLY("HourlyPartitioner", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", 3_600_000L),
    DAILY("DailyPartitioner", "'year'=YYYY/'month'=MM/'day'=dd", 86_400_000L);

    public static final String PACKAGE = "io.vertebra.connect.parquet.partition.";
    private static final String CONFLUENT_PACKAGE = "io.confluent.connect.storage.partitioner.";

    private final String simpleName;
    private final String fixedPathFormat;
    private final long fixedDurationMs;

    PartitionerKind(String simpleName, String fixedPathFormat, long fixedDurationMs) {
        this.simpleName = simpleName;
        this.fixedPathFormat = fixedPathFormat;
        this.fixedDurationMs = fixedDurationMs;
    }

    public String className() {
        return PACKAGE + simpleName;
    }

    public boolean isTimeBased() {
        return this == TIME || this == HOURLY || this == DAILY;
    }

    /** The path format of HOURLY and DAILY, else null (taken from {@code path.format}). */
    public String fixedPathFormat() {
        return fixedPathFormat;
    }

    /** The partition duration of HOURLY and DAILY, else -1 (taken from {@code partition.duration.ms}). */
    public long fixedDurationMs() {
        return fixedDurationMs;
    }

    public static PartitionerKind of(String key, String value) {
        if (value != null) {
            String simple = value.trim();
            if (simple.startsWith(PACKAGE)) {
                simple = simple.substring(PACKAGE.length());
            } else if (simple.startsWith(CONFLUENT_PACKAGE)) {
                simple = simple.substring(CONFLUENT_PACKAGE.length());
            }
            for (PartitionerKind kind : values()) {
                if (kind.simpleName.equals(simple)) {
                    return kind;
                }
            }
        }
        throw new ConfigException(key, value, "one of " + names());
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(PartitionerKind::className).toList();
    }
}
