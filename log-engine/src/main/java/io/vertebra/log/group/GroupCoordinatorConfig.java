package io.vertebra.log.group;

import io.vertebra.log.config.BrokerConfig;

/**
 * The coordinator's settings. Most come from the broker config under Kafka's names; the few Kafka settings the
 * broker config does not declare take Kafka's defaults here ({@code offsets.retention.check.interval.ms}
 * 600000, {@code offsets.commit.timeout.ms} 5000, {@code offset.metadata.max.bytes} 4096, the 5-minute join
 * timeout of new members, {@code offsets.topic.segment.bytes} 100 MiB).
 */
public record GroupCoordinatorConfig(
        int offsetsTopicPartitions,
        short offsetsTopicReplicationFactor,
        int offsetsTopicSegmentBytes,
        long offsetsRetentionMs,
        long offsetsRetentionCheckIntervalMs,
        long offsetCommitTimeoutMs,
        int offsetMetadataMaxBytes,
        int initialRebalanceDelayMs,
        int minSessionTimeoutMs,
        int maxSessionTimeoutMs,
        int maxGroupSize,
        int newMemberJoinTimeoutMs) {

    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 600_000L;
    public static final long DEFAULT_COMMIT_TIMEOUT_MS = 5_000L;
    public static final int DEFAULT_METADATA_MAX_BYTES = 4096;
    public static final int DEFAULT_NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;
    public static final int DEFAULT_SEGMENT_BYTES = 100 * 1024 * 1024;

    public static GroupCoordinatorConfig from(BrokerConfig config) {
        return new GroupCoordinatorConfig(
                config.getInt(BrokerConfig.OFFSETS_TOPIC_PARTITIONS),
                config.getShort(BrokerConfig.OFFSETS_TOPIC_REPLICATION_FACTOR),
                DEFAULT_SEGMENT_BYTES,
                config.getInt(BrokerConfig.OFFSETS_RETENTION_MINUTES) * 60_000L,
                DEFAULT_RETENTION_CHECK_INTERVAL_MS,
                DEFAULT_COMMIT_TIMEOUT_MS,
                DEFAULT_METADATA_MAX_BYTES,
                config.getInt(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS),
                config.getInt(BrokerConfig.GROUP_MIN_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfig.GROUP_MAX_SESSION_TIMEOUT_MS),
                config.getInt(BrokerConfig.GROUP_MAX_SIZE),
                DEFAULT_NEW_MEMBER_JOIN_TIMEOUT_MS);
    }
}
