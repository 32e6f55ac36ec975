package io.vertebra.log.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Rebuilds the groups of one {@code __consumer_offsets} partition from its records: the latest value per key
 * wins, tombstones delete. {@link #accept} runs on the loading thread while the log is read; {@link #groups}
 * then builds the groups on the coordinator thread. A group that had members comes back Stable with its last
 * generation and assignments, so its consumers carry on without a rebalance if they keep heartbeating; one
 * without members comes back Empty.
 */
final class GroupReplay implements GroupLog.RecordSink {
    private record Positioned(CommittedOffset value, long logOffset) {}

    private final Map<String, GroupRecord.GroupMetadataValue> metadata = new HashMap<>();
    private final Map<String, Map<TopicPartition, Positioned>> offsets = new HashMap<>();
    private long records;

    @Override
    public void accept(long logOffset, GroupRecord record) {
        records++;
        if (record instanceof GroupRecord.OffsetCommit commit) {
            if (commit.value() == null) {
                Map<TopicPartition, Positioned> groupOffsets = offsets.get(commit.groupId());
                if (groupOffsets != null) {
                    groupOffsets.remove(commit.partition());
                    if (groupOffsets.isEmpty()) {
                        offsets.remove(commit.groupId());
                    }
                }
            } else {
                offsets.computeIfAbsent(commit.groupId(), g -> new HashMap<>())
                        .put(commit.partition(), new Positioned(commit.value(), logOffset));
            }
        } else {
            GroupRecord.GroupMetadata group = (GroupRecord.GroupMetadata) record;
            if (group.value() == null) {
                metadata.remove(group.groupId());
            } else {
                metadata.put(group.groupId(), group.value());
            }
        }
    }

    long recordCount() {
        return records;
    }

    /** The groups as of the last record, without timers (the caller schedules heartbeats). */
    List<ClassicGroup> groups(GroupCatalog catalog, int partition) {
        Set<String> ids = new LinkedHashSet<>(metadata.keySet());
        ids.addAll(offsets.keySet());
        List<ClassicGroup> groups = new ArrayList<>();
        for (String id : ids) {
            if (catalog.partitionFor(id) != partition) {
                continue;
            }
            GroupRecord.GroupMetadataValue value = metadata.get(id);
            ClassicGroup group = new ClassicGroup(id, partition, value == null ? 0 : value.stateTimestampMs());
            if (value != null) {
                restore(group, value);
            }
            Map<TopicPartition, Positioned> groupOffsets = offsets.getOrDefault(id, Map.of());
            groupOffsets.forEach((tp, positioned) -> {
                group.offsets.put(tp, positioned.value());
                group.offsetPositions.put(tp, positioned.logOffset());
            });
            groups.add(group);
        }
        return groups;
    }

    private static void restore(ClassicGroup group, GroupRecord.GroupMetadataValue value) {
        group.protocolType = value.protocolType();
        group.generationId = value.generationId();
        for (GroupRecord.MemberValue m : value.members()) {
            GroupMember member = new GroupMember(
                    m.memberId(),
                    m.groupInstanceId(),
                    m.clientId(),
                    m.clientHost(),
                    value.protocolType(),
                    m.rebalanceTimeoutMs(),
                    m.sessionTimeoutMs(),
                    List.of(new GroupMember.Protocol(value.protocolName(), m.subscription())));
            member.assignment = m.assignment();
            group.add(member);
        }
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.restoreState(GroupState.EMPTY, value.stateTimestampMs());
        } else {
            group.protocolName = value.protocolName();
            group.protocolType = value.protocolType();
            if (value.leaderId() != null && group.hasMember(value.leaderId())) {
                group.leaderId = value.leaderId();
            }
            group.restoreState(GroupState.STABLE, value.stateTimestampMs());
        }
    }
}
