package io.vertebra.log.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;

/**
 * One classic group: its state and generation, the selected protocol, the leader, the members and the offsets
 * it has committed. This class keeps the group's own invariants (a leader while there are members, the static
 * member index, legal state transitions); the rules of the protocol live in {@link GroupMembership} and
 * {@link GroupOffsets}. Mutable; touched only on the coordinator thread.
 */
final class ClassicGroup {
    /** The protocol type of Kafka consumers; their subscriptions can be read to know the subscribed topics. */
    static final String CONSUMER_PROTOCOL_TYPE = "consumer";

    final String groupId;
    final int offsetsPartition;
    private GroupState state = GroupState.EMPTY;
    private long stateTimestampMs;
    int generationId;
    String protocolType;
    String protocolName;
    String leaderId;

    final LinkedHashMap<String, GroupMember> members = new LinkedHashMap<>();
    /** group.instance.id → member id of the static members. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
    final Map<String, GroupScheduler.Cancellable> pendingMembers = new HashMap<>();
    /** Members of the current generation that have not sent SyncGroup yet. */
    final Set<String> pendingSync = new HashSet<>();

    /** True while the first rebalance of an empty group waits {@code group.initial.rebalance.delay.ms}. */
    boolean initialRebalance;
    /** A member joined during the initial delay, which extends the delay once more. */
    boolean newMemberAdded;

    GroupScheduler.Cancellable joinDeadline;
    GroupScheduler.Cancellable syncDeadline;

    final Map<TopicPartition, CommittedOffset> offsets = new HashMap<>();
    /** Log offset of the record that set each offset, so late completions never overwrite newer commits. */
    final Map<TopicPartition, Long> offsetPositions = new HashMap<>();
    /** Partitions with offset commits appended but not yet acknowledged (partition → number of commits). */
    private final Map<TopicPartition, Integer> pendingCommits = new HashMap<>();

    ClassicGroup(String groupId, int offsetsPartition, long nowMs) {
        this.groupId = groupId;
        this.offsetsPartition = offsetsPartition;
        this.stateTimestampMs = nowMs;
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    void transitionTo(GroupState next, long nowMs) {
        if (!next.canFollow(state)) {
            throw new IllegalStateException(
                    "group " + groupId + " cannot go from " + state.kafkaName() + " to " + next.kafkaName());
        }
        state = next;
        stateTimestampMs = nowMs;
    }

    /** Restores state and timestamp as stored, without transition checks (loading only). */
    void restoreState(GroupState loaded, long timestampMs) {
        state = loaded;
        stateTimestampMs = timestampMs;
    }

    // ------------------------------------------------------------------------------------------ offsets

    void commitStarted(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> pendingCommits.merge(tp, 1, Integer::sum));
    }

    void commitDone(Collection<TopicPartition> partitions) {
        partitions.forEach(tp -> pendingCommits.computeIfPresent(tp, (k, n) -> n == 1 ? null : n - 1));
    }

    boolean hasPendingCommits() {
        return !pendingCommits.isEmpty();
    }

    /** Every partition the group has an offset for, stored or on its way (what a deletion must cover). */
    Set<TopicPartition> offsetPartitionsIncludingPending() {
        Set<TopicPartition> all = new HashSet<>(offsets.keySet());
        all.addAll(pendingCommits.keySet());
        return all;
    }

    // ------------------------------------------------------------------------------------------ members

    GroupMember member(String memberId) {
        return members.get(memberId);
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    void add(GroupMember member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType;
        }
        members.put(member.memberId, member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId, member.memberId);
        }
        if (leaderId == null) {
            leaderId = member.memberId;
        }
    }

    /** Removes a member (and its static index entry); a new leader is chosen if it led. */
    GroupMember remove(String memberId) {
        GroupMember removed = members.remove(memberId);
        if (removed == null) {
            return null;
        }
        if (removed.isStatic() && memberId.equals(staticMembers.get(removed.groupInstanceId))) {
            staticMembers.remove(removed.groupInstanceId);
        }
        pendingSync.remove(memberId);
        if (isLeader(memberId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        return removed;
    }

    /**
     * Puts {@code replacement} (same instance id, new member id) in place of the static member {@code oldId},
     * keeping its leadership and pending sync.
     */
    void replaceStatic(GroupMember old, GroupMember replacement) {
        LinkedHashMap<String, GroupMember> reordered = new LinkedHashMap<>();
        for (Map.Entry<String, GroupMember> e : members.entrySet()) {
            if (e.getKey().equals(old.memberId)) {
                reordered.put(replacement.memberId, replacement);
            } else {
                reordered.put(e.getKey(), e.getValue());
            }
        }
        members.clear();
        members.putAll(reordered);
        staticMembers.put(replacement.groupInstanceId, replacement.memberId);
        if (pendingSync.remove(old.memberId)) {
            pendingSync.add(replacement.memberId);
        }
        if (isLeader(old.memberId)) {
            leaderId = replacement.memberId;
        }
    }

    /** The member id of the static member with {@code groupInstanceId}, or null. */
    String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    // ------------------------------------------------------------------------------------ rebalance data

    /**
     * Whether a member with these protocols may join: an empty group takes any non-empty protocol list; otherwise
     * the protocol type must match and at least one protocol must be supported by every other member.
     */
    boolean supportsProtocols(String memberProtocolType, List<GroupMember.Protocol> memberProtocols, String selfId) {
        if (memberProtocolType == null || memberProtocolType.isEmpty() || memberProtocols.isEmpty()) {
            return false;
        }
        int others = 0;
        Map<String, Integer> support = new HashMap<>();
        for (GroupMember m : members.values()) {
            if (m.memberId.equals(selfId)) {
                continue;
            }
            others++;
            for (String name : m.protocolNames()) {
                support.merge(name, 1, Integer::sum);
            }
        }
        if (others == 0) {
            return true;
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        for (GroupMember.Protocol p : memberProtocols) {
            if (support.getOrDefault(p.name(), 0) == others) {
                return true;
            }
        }
        return false;
    }

    /**
     * The protocol for the next generation: among the protocols every member supports, each member votes for its
     * most preferred one; most votes wins, ties go to the one voted first.
     */
    String selectProtocol() {
        Set<String> candidates = null;
        for (GroupMember m : members.values()) {
            Set<String> names = new HashSet<>(m.protocolNames());
            if (candidates == null) {
                candidates = names;
            } else {
                candidates.retainAll(names);
            }
        }
        if (candidates == null || candidates.isEmpty()) {
            throw new IllegalStateException("no protocol is supported by every member of group " + groupId);
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (GroupMember m : members.values()) {
            votes.merge(m.vote(candidates), 1, Integer::sum);
        }
        String best = null;
        int bestVotes = -1;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /** The longest rebalance timeout among the members: how long a rebalance waits for them to rejoin. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (GroupMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs);
        }
        return max;
    }

    int awaitingJoinCount() {
        int n = 0;
        for (GroupMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                n++;
            }
        }
        return n;
    }

    boolean hasAllMembersJoined() {
        return pendingMembers.isEmpty() && awaitingJoinCount() == members.size();
    }

    /**
     * Makes sure the leader is among the members that rejoined, electing the first one that did when the old
     * leader did not. Returns false when no member rejoined.
     */
    boolean electJoinedLeader() {
        GroupMember leader = leaderId == null ? null : members.get(leaderId);
        if (leader != null && leader.isAwaitingJoin()) {
            return true;
        }
        for (GroupMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId;
                return true;
            }
        }
        return false;
    }

    /** The member list the leader receives in its JoinGroup response, with each one's selected metadata. */
    List<JoinGroupResponseMember> joinResponseMembers() {
        List<JoinGroupResponseMember> list = new ArrayList<>(members.size());
        for (GroupMember m : members.values()) {
            list.add(new JoinGroupResponseMember()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.groupInstanceId)
                    .setMetadata(m.metadata(protocolName)));
        }
        return list;
    }

    Collection<GroupMember> allMembers() {
        return new ArrayList<>(members.values());
    }

    /**
     * The topics the members of a consumer group subscribe to; null when unknown (not a consumer group, no
     * selected protocol, or a subscription that cannot be read), which callers treat as "could be any topic".
     */
    Set<String> subscribedTopics() {
        if (!CONSUMER_PROTOCOL_TYPE.equals(protocolType) || protocolName == null) {
            return members.isEmpty() ? Set.of() : null;
        }
        Set<String> topics = new HashSet<>();
        for (GroupMember m : members.values()) {
            try {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(m.metadata(protocolName)))
                        .topics());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return topics;
    }

    /** The group's metadata as stored, with {@code assignments} (member id → bytes) as each member's assignment. */
    GroupRecord.GroupMetadataValue toValue(Map<String, byte[]> assignments) {
        List<GroupRecord.MemberValue> stored = new ArrayList<>(members.size());
        for (GroupMember m : members.values()) {
            stored.add(new GroupRecord.MemberValue(
                    m.memberId,
                    m.groupInstanceId,
                    m.clientId,
                    m.clientHost,
                    m.rebalanceTimeoutMs,
                    m.sessionTimeoutMs,
                    m.metadata(protocolName),
                    assignments.getOrDefault(m.memberId, GroupMember.EMPTY_BYTES)));
        }
        return new GroupRecord.GroupMetadataValue(
                protocolType, generationId, protocolName, leaderId, stateTimestampMs, stored);
    }

    /** Current assignments, member id → bytes. */
    Map<String, byte[]> currentAssignments() {
        Map<String, byte[]> assignments = new HashMap<>();
        members.values().forEach(m -> assignments.put(m.memberId, m.assignment));
        return assignments;
    }

    @Override
    public String toString() {
        return "group " + groupId + " (" + state.kafkaName() + ", generation " + generationId + ")";
    }
}
