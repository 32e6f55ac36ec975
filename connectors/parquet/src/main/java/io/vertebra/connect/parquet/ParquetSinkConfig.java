package io.vertebra.connect.parquet;

import io.vertebra.connect.confine.AllowedDirs;
import io.vertebra.connect.parquet.partition.PartitionerKind;
import io.vertebra.connect.parquet.partition.TimestampSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;

/**
 * The Parquet sink's configuration: every key declared once (type, default, validator, documentation), with
 * the names users know from Confluent's S3 and HDFS sinks. Keys starting with {@code fs.}, {@code dfs.},
 * {@code hadoop.} and {@code parquet.} (other than the ones declared here) are handed to Hadoop unchanged, see
 * {@code HadoopSettings}.
 */
public final class ParquetSinkConfig extends AbstractConfig {
    public static final String STORE_URL = "store.url";
    public static final String TOPICS_DIR = "topics.dir";
    public static final String FLUSH_SIZE = "flush.size";
    public static final String ROTATE_INTERVAL_MS = "rotate.interval.ms";
    public static final String ROTATE_SCHEDULE_INTERVAL_MS = "rotate.schedule.interval.ms";
    public static final String PARTITIONER_CLASS = "partitioner.class";
    public static final String PARTITION_FIELD_NAME = "partition.field.name";
    public static final String PATH_FORMAT = "path.format";
    public static final String PARTITION_DURATION_MS = "partition.duration.ms";
    public static final String LOCALE = "locale";
    public static final String TIMEZONE = "timezone";
    public static final String TIMESTAMP_EXTRACTOR = "timestamp.extractor";
    public static final String TIMESTAMP_FIELD = "timestamp.field";
    public static final String PARQUET_CODEC = "parquet.codec";
    public static final String BEHAVIOR_ON_NULL_VALUES = "behavior.on.null.values";
    public static final String STORE_RETRIES = "store.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String HADOOP_CONF_DIR = "hadoop.conf.dir";
    public static final String S3A_ENDPOINT = "fs.s3a.endpoint";
    public static final String S3A_ACCESS_KEY = "fs.s3a.access.key";
    public static final String S3A_SECRET_KEY = "fs.s3a.secret.key";
    public static final String S3A_PATH_STYLE_ACCESS = "fs.s3a.path.style.access";

    /** Codecs by their user-facing name. {@code lz4} is LZ4_RAW: the Hadoop-framed LZ4 is deprecated by Parquet. */
    static final List<String> CODECS = List.of("snappy", "gzip", "zstd", "lz4", "none");

    static final List<String> NULL_VALUE_BEHAVIORS = List.of("fail", "ignore");

    private static final String STORE_GROUP = "Store";
    private static final String ROTATION_GROUP = "Rotation";
    private static final String PARTITION_GROUP = "Partitioning";
    private static final String FORMAT_GROUP = "Format";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(
                    STORE_URL,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    ParquetSinkConfig::validateStoreUrl,
                    Importance.HIGH,
                    "Where the lake lives: file:///path, hdfs://namenode:port/path or s3a://bucket/prefix.",
                    STORE_GROUP,
                    1,
                    ConfigDef.Width.LONG,
                    "Store URL")
            .define(
                    TOPICS_DIR,
                    Type.STRING,
                    "topics",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Directory under the store URL that holds one directory per topic.",
                    STORE_GROUP,
                    2,
                    ConfigDef.Width.MEDIUM,
                    "Topics directory")
            .define(
                    HADOOP_CONF_DIR,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "A directory with core-site.xml and hdfs-site.xml to load into the Hadoop configuration.",
                    STORE_GROUP,
                    3,
                    ConfigDef.Width.LONG,
                    "Hadoop configuration directory")
            .define(
                    S3A_ENDPOINT,
                    Type.STRING,
                    null,
                    Importance.MEDIUM,
                    "S3 endpoint for s3a:// stores (any S3-compatible server); passed to Hadoop.",
                    STORE_GROUP,
                    4,
                    ConfigDef.Width.LONG,
                    "S3 endpoint")
            .define(
                    S3A_ACCESS_KEY,
                    Type.STRING,
                    null,
                    Importance.MEDIUM,
                    "S3 access key id; passed to Hadoop.",
                    STORE_GROUP,
                    5,
                    ConfigDef.Width.MEDIUM,
                    "S3 access key")
            .define(
                    S3A_SECRET_KEY,
                    Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "S3 secret key; passed to Hadoop, never logged.",
                    STORE_GROUP,
                    6,
                    ConfigDef.Width.MEDIUM,
                    "S3 secret key")
            .define(
                    S3A_PATH_STYLE_ACCESS,
                    Type.BOOLEAN,
                    null,
                    Importance.LOW,
                    "Use path-style S3 URLs (http://host/bucket/key), as most S3-compatible servers need.",
                    STORE_GROUP,
                    7,
                    ConfigDef.Width.SHORT,
                    "S3 path-style access")
            .define(
                    STORE_RETRIES,
                    Type.INT,
                    5,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "How many times in a row a failed store operation is retried (with backoff) before the task"
                            + " fails.",
                    STORE_GROUP,
                    8,
                    ConfigDef.Width.SHORT,
                    "Store retries")
            .define(
                    RETRY_BACKOFF_MS,
                    Type.LONG,
                    1000L,
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "Backoff before the first retry of a failed store operation; doubles on every further"
                            + " failure, up to one minute.",
                    STORE_GROUP,
                    9,
                    ConfigDef.Width.SHORT,
                    "Retry backoff (ms)")
            .define(
                    FLUSH_SIZE,
                    Type.INT,
                    10_000,
                    ConfigDef.Range.atLeast(1),
                    Importance.HIGH,
                    "Records of one topic partition written before its open files are committed.",
                    ROTATION_GROUP,
                    1,
                    ConfigDef.Width.SHORT,
                    "Flush size")
            .define(
                    ROTATE_INTERVAL_MS,
                    Type.LONG,
                    -1L,
                    ConfigDef.Range.atLeast(-1),
                    Importance.MEDIUM,
                    "Commit a topic partition's open files once the record time (see timestamp.extractor) has"
                            + " advanced this far past the first record in them; -1 disables.",
                    ROTATION_GROUP,
                    2,
                    ConfigDef.Width.SHORT,
                    "Rotate interval (record time, ms)")
            .define(
                    ROTATE_SCHEDULE_INTERVAL_MS,
                    Type.LONG,
                    -1L,
                    ConfigDef.Range.atLeast(-1),
                    Importance.MEDIUM,
                    "Commit a topic partition's open files once this much wall-clock time has passed since the"
                            + " first record in them; -1 disables.",
                    ROTATION_GROUP,
                    3,
                    ConfigDef.Width.SHORT,
                    "Rotate schedule interval (wall clock, ms)")
            .define(
                    PARTITIONER_CLASS,
                    Type.STRING,
                    PartitionerKind.DEFAULT.className(),
                    ConfigDef.LambdaValidator.with(
                            (name, value) -> PartitionerKind.of(name, (String) value),
                            () -> PartitionerKind.names().toString()),
                    Importance.HIGH,
                    "How records map to directories: by Kafka partition (default), by field values"
                            + " (FieldPartitioner) or by time (TimeBasedPartitioner, HourlyPartitioner,"
                            + " DailyPartitioner). Confluent's io.confluent.connect.storage.partitioner.* names"
                            + " are accepted too.",
                    PARTITION_GROUP,
                    1,
                    ConfigDef.Width.LONG,
                    "Partitioner")
            .define(
                    PARTITION_FIELD_NAME,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Fields of the record value (dotted for nested structs) whose values name the directories"
                            + " of the field partitioner, in order.",
                    PARTITION_GROUP,
                    2,
                    ConfigDef.Width.LONG,
                    "Partition fields")
            .define(
                    PATH_FORMAT,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "Directory pattern of the time-based partitioner, e.g."
                            + " 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH (Joda-style letters as in Confluent's"
                            + " sinks; YYYY is the calendar year).",
                    PARTITION_GROUP,
                    3,
                    ConfigDef.Width.LONG,
                    "Path format")
            .define(
                    PARTITION_DURATION_MS,
                    Type.LONG,
                    -1L,
                    Importance.MEDIUM,
                    "Length of one time partition of the time-based partitioner.",
                    PARTITION_GROUP,
                    4,
                    ConfigDef.Width.SHORT,
                    "Partition duration (ms)")
            .define(
                    LOCALE,
                    Type.STRING,
                    "en",
                    Importance.LOW,
                    "Locale (language tag) used to format time-based paths.",
                    PARTITION_GROUP,
                    5,
                    ConfigDef.Width.SHORT,
                    "Locale")
            .define(
                    TIMEZONE,
                    Type.STRING,
                    "UTC",
                    ConfigDef.LambdaValidator.with(
                            (name, value) -> zone(name, (String) value), () -> "a time zone id such as UTC"),
                    Importance.MEDIUM,
                    "Time zone of time-based paths.",
                    PARTITION_GROUP,
                    6,
                    ConfigDef.Width.SHORT,
                    "Time zone")
            .define(
                    TIMESTAMP_EXTRACTOR,
                    Type.STRING,
                    TimestampSource.RECORD.configName(),
                    ConfigDef.LambdaValidator.with(
                            (name, value) -> TimestampSource.of(name, (String) value),
                            () -> TimestampSource.names().toString()),
                    Importance.MEDIUM,
                    "Where record time comes from, for time-based paths and rotate.interval.ms: Record (the"
                            + " Kafka record timestamp), RecordField (timestamp.field of the value) or Wallclock.",
                    PARTITION_GROUP,
                    7,
                    ConfigDef.Width.SHORT,
                    "Timestamp extractor")
            .define(
                    TIMESTAMP_FIELD,
                    Type.STRING,
                    "timestamp",
                    Importance.LOW,
                    "Value field (dotted for nested structs) holding the record time for RecordField: a"
                            + " Timestamp, an epoch-millisecond number or an ISO-8601 string.",
                    PARTITION_GROUP,
                    8,
                    ConfigDef.Width.MEDIUM,
                    "Timestamp field")
            .define(
                    PARQUET_CODEC,
                    Type.STRING,
                    "snappy",
                    ConfigDef.CaseInsensitiveValidString.in(CODECS.toArray(String[]::new)),
                    Importance.MEDIUM,
                    "Compression of Parquet pages: snappy, gzip, zstd, lz4 (written as LZ4_RAW) or none.",
                    FORMAT_GROUP,
                    1,
                    ConfigDef.Width.SHORT,
                    "Parquet codec")
            .define(
                    BEHAVIOR_ON_NULL_VALUES,
                    Type.STRING,
                    "fail",
                    ConfigDef.CaseInsensitiveValidString.in(NULL_VALUE_BEHAVIORS.toArray(String[]::new)),
                    Importance.LOW,
                    "What to do with a record whose value is null (a tombstone): fail the task or skip it.",
                    FORMAT_GROUP,
                    2,
                    ConfigDef.Width.SHORT,
                    "Null values");

    private ParquetSinkConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    /**
     * Parses and checks a configuration; a {@link ConfigException} names every problem found (key, value and
     * what would be valid).
     */
    public static ParquetSinkConfig parse(Map<String, String> props) {
        ParquetSinkConfig config = new ParquetSinkConfig(props);
        Map<String, String> problems = crossFieldProblems(config);
        problems.putAll(StoreConfinement.problems(props, AllowedDirs.fromSystemProperty()));
        if (!problems.isEmpty()) {
            throw new ConfigException("Invalid Parquet sink configuration: " + String.join("; ", problems.values()));
        }
        return config;
    }

    /**
     * Problems that involve more than one key (each validator sees one key only), by the key to blame: sentences
     * naming the key, its value and what would be valid; empty when the combination is fine.
     */
    static Map<String, String> crossFieldProblems(ParquetSinkConfig config) {
        Map<String, String> problems = new LinkedHashMap<>();
        PartitionerKind kind = config.partitionerKind();
        if (kind == PartitionerKind.FIELD
                && config.getList(PARTITION_FIELD_NAME).isEmpty()) {
            problems.put(
                    PARTITION_FIELD_NAME,
                    PARTITION_FIELD_NAME + " is empty, but " + PARTITIONER_CLASS + "=" + kind.className()
                            + " needs at least one value field to name directories");
        }
        if (kind == PartitionerKind.TIME) {
            if (config.getString(PATH_FORMAT).isBlank()) {
                problems.put(
                        PATH_FORMAT,
                        PATH_FORMAT + " is empty, but " + PARTITIONER_CLASS + "=" + kind.className()
                                + " needs a pattern such as 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH");
            }
            if (config.getLong(PARTITION_DURATION_MS) <= 0) {
                problems.put(
                        PARTITION_DURATION_MS,
                        PARTITION_DURATION_MS + "=" + config.getLong(PARTITION_DURATION_MS) + ", but "
                                + PARTITIONER_CLASS + "=" + kind.className() + " needs a positive duration in ms");
            }
        }
        if (config.timestampSource() == TimestampSource.RECORD_FIELD
                && config.getString(TIMESTAMP_FIELD).isBlank()) {
            problems.put(
                    TIMESTAMP_FIELD,
                    TIMESTAMP_FIELD + " is empty, but " + TIMESTAMP_EXTRACTOR
                            + "=RecordField needs the name of the value field holding the record time");
        }
        return problems;
    }

    /**
     * Adds the cross-field problems, and the locations outside the directories the worker allows, to the per-key
     * results of {@link ConfigDef#validate}.
     */
    static void addCrossFieldProblems(Map<String, String> props, Map<String, ConfigValue> results) {
        StoreConfinement.problems(props, AllowedDirs.fromSystemProperty())
                .forEach((key, problem) ->
                        results.computeIfAbsent(key, ConfigValue::new).addErrorMessage(problem));
        boolean keysValid =
                results.values().stream().allMatch(v -> v.errorMessages().isEmpty());
        if (!keysValid) {
            return; // the per-key errors say it already; cross checks would only repeat them
        }
        ParquetSinkConfig config;
        try {
            config = new ParquetSinkConfig(props);
        } catch (ConfigException e) {
            return;
        }
        crossFieldProblems(config)
                .forEach((key, problem) ->
                        results.computeIfAbsent(key, ConfigValue::new).addErrorMessage(problem));
    }

    public URI storeUrl() {
        return URI.create(stripTrailingSlash(getString(STORE_URL)));
    }

    public String topicsDir() {
        return getString(TOPICS_DIR);
    }

    public int flushSize() {
        return getInt(FLUSH_SIZE);
    }

    public long rotateIntervalMs() {
        return getLong(ROTATE_INTERVAL_MS);
    }

    public long rotateScheduleIntervalMs() {
        return getLong(ROTATE_SCHEDULE_INTERVAL_MS);
    }

    public PartitionerKind partitionerKind() {
        return PartitionerKind.of(PARTITIONER_CLASS, getString(PARTITIONER_CLASS));
    }

    public List<String> partitionFields() {
        return getList(PARTITION_FIELD_NAME);
    }

    public String pathFormat() {
        return getString(PATH_FORMAT);
    }

    public long partitionDurationMs() {
        return getLong(PARTITION_DURATION_MS);
    }

    public Locale locale() {
        return Locale.forLanguageTag(getString(LOCALE));
    }

    public ZoneId timezone() {
        return zone(TIMEZONE, getString(TIMEZONE));
    }

    public TimestampSource timestampSource() {
        return TimestampSource.of(TIMESTAMP_EXTRACTOR, getString(TIMESTAMP_EXTRACTOR));
    }

    public String timestampField() {
        return getString(TIMESTAMP_FIELD);
    }

    public String codec() {
        return getString(PARQUET_CODEC).toLowerCase(Locale.ROOT);
    }

    public boolean ignoreNullValues() {
        return getString(BEHAVIOR_ON_NULL_VALUES).equalsIgnoreCase("ignore");
    }

    public int storeRetries() {
        return getInt(STORE_RETRIES);
    }

    public long retryBackoffMs() {
        return getLong(RETRY_BACKOFF_MS);
    }

    public String hadoopConfDir() {
        return getString(HADOOP_CONF_DIR);
    }

    /** The secret as Hadoop needs it, or null when not set. */
    public String s3aSecretKey() {
        Password password = getPassword(S3A_SECRET_KEY);
        return password == null ? null : password.value();
    }

    private static void validateStoreUrl(String name, Object value) {
        if (value == null) {
            throw new ConfigException(name, null, "a store URL such as file:///data/lake or s3a://bucket/prefix");
        }
        try {
            URI uri = new URI(stripTrailingSlash(((String) value).trim()));
            if (uri.getScheme() == null) {
                throw new ConfigException(
                        name,
                        value,
                        "the URL has no scheme; use file:///absolute/path, hdfs://namenode:port/path or"
                                + " s3a://bucket/prefix");
            }
            if (uri.getScheme().equals("s3a")
                    && (uri.getHost() == null || uri.getHost().isEmpty())) {
                throw new ConfigException(name, value, "an s3a URL needs a bucket: s3a://bucket/prefix");
            }
        } catch (URISyntaxException e) {
            throw new ConfigException(name, value, "not a URL: " + e.getMessage());
        }
    }

    private static ZoneId zone(String name, String value) {
        try {
            return ZoneId.of(value);
        } catch (DateTimeException | NullPointerException e) {
            throw new ConfigException(name, value, "a time zone id such as UTC or Europe/Berlin");
        }
    }

    private static String stripTrailingSlash(String url) {
        String trimmed = url.trim();
        while (trimmed.endsWith("/") && !trimmed.endsWith(":///") && !trimmed.endsWith("://")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
