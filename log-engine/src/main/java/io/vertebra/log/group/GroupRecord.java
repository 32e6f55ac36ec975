package io.vertebra.log.group;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * One record of a {@code __consumer_offsets} partition, decoded: a committed offset or a group's metadata. A
 * null value is a tombstone (the offset or the group was deleted); compaction keeps only the latest record per
 * key. {@link GroupRecords} turns these into bytes and back.
 */
public sealed interface GroupRecord permits GroupRecord.OffsetCommit, GroupRecord.GroupMetadata {
    String groupId();

    boolean isTombstone();

    /** The offset of {@code groupId} in {@code partition}; {@code value} null deletes it. */
    record OffsetCommit(String groupId, TopicPartition partition, CommittedOffset value) implements GroupRecord {
        @Override
        public boolean isTombstone() {
            return value == null;
        }
    }

    /** What a group looks like after its last completed rebalance; {@code value} null deletes the group. */
    record GroupMetadata(String groupId, GroupMetadataValue value) implements GroupRecord {
        @Override
        public boolean isTombstone() {
            return value == null;
        }
    }

    /**
     * A group's generation and members: enough to resume the group on another broker (or after a restart)
     * without a rebalance. {@code stateTimestampMs} is when the group entered its state (when it became empty,
     * for offset expiry). Each member keeps only the metadata of the selected protocol.
     */
    record GroupMetadataValue(
            String protocolType,
            int generationId,
            String protocolName,
            String leaderId,
            long stateTimestampMs,
            List<MemberValue> members) {
        public GroupMetadataValue {
            members = List.copyOf(members);
        }
    }

    /** One member as stored: identity, timeouts, its metadata for the selected protocol and its assignment. */
    record MemberValue(
            String memberId,
            String groupInstanceId,
            String clientId,
            String clientHost,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            byte[] subscription,
            byte[] assignment) {}
}
