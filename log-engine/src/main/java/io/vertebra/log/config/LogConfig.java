package io.vertebra.log.config;

import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.record.TimestampType;

/**
 * A topic's settings, under Kafka's topic config names and with Kafka's defaults. Each key also has the broker
 * setting that supplies its cluster-wide default ({@link #BROKER_SYNONYMS}, e.g. {@code log.retention.ms} for
 * {@code retention.ms}). Immutable: a config change builds a new instance.
 */
public final class LogConfig extends AbstractConfig {
    public static final long DEFAULT_SEGMENT_BYTES = 1024L * 1024 * 1024;

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    TopicConfig.SEGMENT_BYTES_CONFIG,
                    Type.INT,
                    (int) DEFAULT_SEGMENT_BYTES,
                    Range.atLeast(1024),
                    MEDIUM,
                    TopicConfig.SEGMENT_BYTES_DOC)
            .define(
                    TopicConfig.SEGMENT_MS_CONFIG,
                    Type.LONG,
                    7 * 24 * 3600 * 1000L,
                    Range.atLeast(1),
                    MEDIUM,
                    TopicConfig.SEGMENT_MS_DOC)
            .define(
                    TopicConfig.SEGMENT_JITTER_MS_CONFIG,
                    Type.LONG,
                    0L,
                    Range.atLeast(0),
                    LOW,
                    TopicConfig.SEGMENT_JITTER_MS_DOC)
            .define(
                    TopicConfig.SEGMENT_INDEX_BYTES_CONFIG,
                    Type.INT,
                    10 * 1024 * 1024,
                    Range.atLeast(8),
                    LOW,
                    TopicConfig.SEGMENT_INDEX_BYTES_DOC)
            .define(
                    TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG,
                    Type.LONG,
                    Long.MAX_VALUE,
                    Range.atLeast(1),
                    MEDIUM,
                    TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC)
            .define(
                    TopicConfig.FLUSH_MS_CONFIG,
                    Type.LONG,
                    Long.MAX_VALUE,
                    Range.atLeast(0),
                    MEDIUM,
                    TopicConfig.FLUSH_MS_DOC)
            .define(TopicConfig.RETENTION_BYTES_CONFIG, Type.LONG, -1L, MEDIUM, TopicConfig.RETENTION_BYTES_DOC)
            .define(
                    TopicConfig.RETENTION_MS_CONFIG,
                    Type.LONG,
                    7 * 24 * 3600 * 1000L,
                    Range.atLeast(-1),
                    MEDIUM,
                    TopicConfig.RETENTION_MS_DOC)
            .define(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    Type.INT,
                    1024 * 1024 + 12,
                    Range.atLeast(0),
                    MEDIUM,
                    TopicConfig.MAX_MESSAGE_BYTES_DOC)
            .define(
                    TopicConfig.INDEX_INTERVAL_BYTES_CONFIG,
                    Type.INT,
                    4096,
                    Range.atLeast(0),
                    MEDIUM,
                    TopicConfig.INDEX_INTERVAL_BYTES_DOC)
            .define(
                    TopicConfig.FILE_DELETE_DELAY_MS_CONFIG,
                    Type.LONG,
                    60_000L,
                    Range.atLeast(0),
                    MEDIUM,
                    TopicConfig.FILE_DELETE_DELAY_MS_DOC)
            .define(
                    TopicConfig.DELETE_RETENTION_MS_CONFIG,
                    Type.LONG,
                    24 * 3600 * 1000L,
                    Range.atLeast(0),
                    MEDIUM,
                    TopicConfig.DELETE_RETENTION_MS_DOC)
            .define(
                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                    Type.LONG,
                    0L,
                    Range.atLeast(0),
                    MEDIUM,
                    TopicConfig.MIN_COMPACTION_LAG_MS_DOC)
            .define(
                    TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
                    Type.LONG,
                    Long.MAX_VALUE,
                    Range.atLeast(1),
                    MEDIUM,
                    TopicConfig.MAX_COMPACTION_LAG_MS_DOC)
            .define(
                    TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                    Type.DOUBLE,
                    0.5,
                    Range.between(0, 1),
                    MEDIUM,
                    TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC)
            .define(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    Type.LIST,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    ValidList.in(TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE),
                    MEDIUM,
                    TopicConfig.CLEANUP_POLICY_DOC)
            .define(
                    TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG,
                    Type.BOOLEAN,
                    false,
                    MEDIUM,
                    TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC)
            .define(
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                    Type.INT,
                    1,
                    Range.atLeast(1),
                    MEDIUM,
                    TopicConfig.MIN_IN_SYNC_REPLICAS_DOC)
            .define(
                    TopicConfig.COMPRESSION_TYPE_CONFIG,
                    Type.STRING,
                    "producer",
                    ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"),
                    MEDIUM,
                    TopicConfig.COMPRESSION_TYPE_DOC)
            .define(TopicConfig.PREALLOCATE_CONFIG, Type.BOOLEAN, false, MEDIUM, TopicConfig.PREALLOCATE_DOC)
            .define(
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                    Type.STRING,
                    TimestampType.CREATE_TIME.name,
                    ValidString.in(TimestampType.CREATE_TIME.name, TimestampType.LOG_APPEND_TIME.name),
                    MEDIUM,
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC)
            .define(
                    TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG,
                    Type.LONG,
                    Long.MAX_VALUE,
                    Range.atLeast(0),
                    MEDIUM,
                    TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC)
            .define(
                    TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                    Type.LONG,
                    3600 * 1000L,
                    Range.atLeast(0),
                    MEDIUM,
                    TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC)
            .define(
                    TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG,
                    Type.BOOLEAN,
                    false,
                    LOW,
                    "Tiered storage is not supported by Vertebra; only false is accepted.")
            .define(
                    TopicConfig.MESSAGE_DOWNCONVERSION_ENABLE_CONFIG,
                    Type.BOOLEAN,
                    true,
                    LOW,
                    TopicConfig.MESSAGE_DOWNCONVERSION_ENABLE_DOC);

    /** Topic config name → the broker setting that gives its cluster-wide default. */
    public static final Map<String, String> BROKER_SYNONYMS = Map.ofEntries(
            Map.entry(TopicConfig.SEGMENT_BYTES_CONFIG, "log.segment.bytes"),
            Map.entry(TopicConfig.SEGMENT_MS_CONFIG, "log.roll.ms"),
            Map.entry(TopicConfig.SEGMENT_JITTER_MS_CONFIG, "log.roll.jitter.ms"),
            Map.entry(TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, "log.index.size.max.bytes"),
            Map.entry(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "log.flush.interval.messages"),
            Map.entry(TopicConfig.FLUSH_MS_CONFIG, "log.flush.interval.ms"),
            Map.entry(TopicConfig.RETENTION_BYTES_CONFIG, "log.retention.bytes"),
            Map.entry(TopicConfig.RETENTION_MS_CONFIG, "log.retention.ms"),
            Map.entry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "message.max.bytes"),
            Map.entry(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, "log.index.interval.bytes"),
            Map.entry(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, "log.segment.delete.delay.ms"),
            Map.entry(TopicConfig.DELETE_RETENTION_MS_CONFIG, "log.cleaner.delete.retention.ms"),
            Map.entry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "log.cleaner.min.compaction.lag.ms"),
            Map.entry(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, "log.cleaner.max.compaction.lag.ms"),
            Map.entry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "log.cleaner.min.cleanable.ratio"),
            Map.entry(TopicConfig.CLEANUP_POLICY_CONFIG, "log.cleanup.policy"),
            Map.entry(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, "unclean.leader.election.enable"),
            Map.entry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "min.insync.replicas"),
            Map.entry(TopicConfig.COMPRESSION_TYPE_CONFIG, "compression.type"),
            Map.entry(TopicConfig.PREALLOCATE_CONFIG, "log.preallocate"),
            Map.entry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "log.message.timestamp.type"),
            Map.entry(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, "log.message.timestamp.before.max.ms"),
            Map.entry(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, "log.message.timestamp.after.max.ms"));

    private final Map<String, String> overrides;

    /** {@code overrides}: the topic's own settings; {@code brokerDefaults}: topic-named defaults from the broker. */
    public LogConfig(Map<String, String> overrides, Map<String, String> brokerDefaults) {
        super(DEFINITION, merge(overrides, brokerDefaults), false);
        this.overrides = Map.copyOf(overrides);
        if (getBoolean(TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG)) {
            throw new org.apache.kafka.common.config.ConfigException(
                    TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, "true", "tiered storage is not supported");
        }
    }

    public static LogConfig defaults() {
        return new LogConfig(Map.of(), Map.of());
    }

    private static Map<String, String> merge(Map<String, String> overrides, Map<String, String> defaults) {
        Map<String, String> all = new LinkedHashMap<>(defaults);
        all.putAll(overrides);
        return all;
    }

    /** The settings set on the topic itself (not inherited). */
    public Map<String, String> overrides() {
        return overrides;
    }

    public LogConfig withOverrides(Map<String, String> newOverrides, Map<String, String> brokerDefaults) {
        return new LogConfig(newOverrides, brokerDefaults);
    }

    public int segmentBytes() {
        return getInt(TopicConfig.SEGMENT_BYTES_CONFIG);
    }

    public long segmentMs() {
        return getLong(TopicConfig.SEGMENT_MS_CONFIG);
    }

    public long flushMessages() {
        return getLong(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
    }

    public long flushMs() {
        return getLong(TopicConfig.FLUSH_MS_CONFIG);
    }

    public long retentionBytes() {
        return getLong(TopicConfig.RETENTION_BYTES_CONFIG);
    }

    public long retentionMs() {
        return getLong(TopicConfig.RETENTION_MS_CONFIG);
    }

    public int maxMessageBytes() {
        return getInt(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    }

    public int indexIntervalBytes() {
        return getInt(TopicConfig.INDEX_INTERVAL_BYTES_CONFIG);
    }

    public long fileDeleteDelayMs() {
        return getLong(TopicConfig.FILE_DELETE_DELAY_MS_CONFIG);
    }

    public long deleteRetentionMs() {
        return getLong(TopicConfig.DELETE_RETENTION_MS_CONFIG);
    }

    public long minCompactionLagMs() {
        return getLong(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG);
    }

    public double minCleanableDirtyRatio() {
        return getDouble(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG);
    }

    public boolean compact() {
        return getList(TopicConfig.CLEANUP_POLICY_CONFIG).contains(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    public boolean delete() {
        return getList(TopicConfig.CLEANUP_POLICY_CONFIG).contains(TopicConfig.CLEANUP_POLICY_DELETE);
    }

    public int minInSyncReplicas() {
        return getInt(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
    }

    public boolean uncleanLeaderElection() {
        return getBoolean(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG);
    }

    public TimestampType timestampType() {
        return TimestampType.forName(getString(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG));
    }

    public long timestampBeforeMaxMs() {
        return getLong(TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG);
    }

    public long timestampAfterMaxMs() {
        return getLong(TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG);
    }

    public String compressionType() {
        return getString(TopicConfig.COMPRESSION_TYPE_CONFIG);
    }

    public List<String> cleanupPolicy() {
        return getList(TopicConfig.CLEANUP_POLICY_CONFIG);
    }
}
