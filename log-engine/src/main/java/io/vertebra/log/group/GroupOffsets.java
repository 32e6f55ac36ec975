package io.vertebra.log.group;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete and expiry. A commit is acknowledged only once its
 * records are stored (replicated as the offsets topic requires) and becomes visible to OffsetFetch at that
 * moment; deletions likewise. Offsets of an empty group expire {@code offsets.retention.minutes} after the later
 * of their commit and the group becoming empty; those of a standalone consumer (no group management)
 * retention after their commit; in a Stable consumer group, only offsets of topics nobody subscribes to expire.
 * Offsets of deleted topics are removed by the same periodic sweep.
 *
 * <p>Called on the coordinator thread only.
 */
final class GroupOffsets {
    private static final Logger log = LoggerFactory.getLogger(GroupOffsets.class);

    private final GroupCatalog catalog;
    private final GroupWriter writer;
    private final GroupScheduler scheduler;
    private final GroupCoordinatorConfig config;
    private final TopicDirectory topics;

    GroupOffsets(
            GroupCatalog catalog,
            GroupWriter writer,
            GroupScheduler scheduler,
            GroupCoordinatorConfig config,
            TopicDirectory topics) {
        this.catalog = catalog;
        this.writer = writer;
        this.scheduler = scheduler;
        this.config = config;
        this.topics = topics;
    }

    // ------------------------------------------------------------------------------------------- commit

    /** Topics are named up to v9 and identified by topic id from v10. */
    CompletableFuture<OffsetCommitResponseData> commit(OffsetCommitRequestData request, short version) {
        boolean byId = version >= 10;
        String groupId = request.groupId();
        Errors groupError = catalog.check(groupId, true);
        ClassicGroup group = null;
        if (groupError == Errors.NONE) {
            group = catalog.get(groupId);
            if (group == null) {
                if (request.generationIdOrMemberEpoch() < 0) {
                    group = catalog.create(groupId); // a standalone consumer or an admin tool
                } else {
                    groupError = version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
                }
            } else {
                groupError = validateCommit(group, request);
            }
        }
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        List<GroupRecord> records = new ArrayList<>();
        List<OffsetCommitResponsePartition> accepted = new ArrayList<>();
        long now = scheduler.nowMs();
        for (OffsetCommitRequestTopic topic : request.topics()) {
            String name = byId ? topics.nameOf(topic.topicId()) : topic.name();
            OffsetCommitResponseTopic topicResponse = byId
                    ? new OffsetCommitResponseTopic().setTopicId(topic.topicId())
                    : new OffsetCommitResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            for (OffsetCommitRequestPartition p : topic.partitions()) {
                OffsetCommitResponsePartition partitionResponse =
                        new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(partitionResponse);
                Errors error = groupError;
                TopicPartition tp = name == null ? null : new TopicPartition(name, p.partitionIndex());
                if (error == Errors.NONE) {
                    if (tp == null) {
                        error = Errors.UNKNOWN_TOPIC_ID;
                    } else if (!topics.exists(tp)) {
                        error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    } else if (p.committedMetadata() != null
                            && p.committedMetadata().length() > config.offsetMetadataMaxBytes()) {
                        error = Errors.OFFSET_METADATA_TOO_LARGE;
                    }
                }
                if (error != Errors.NONE) {
                    partitionResponse.setErrorCode(error.code());
                    continue;
                }
                String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
                CommittedOffset value =
                        new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(), metadata, now);
                records.add(new GroupRecord.OffsetCommit(groupId, tp, value));
                accepted.add(partitionResponse);
            }
        }
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        ClassicGroup committing = group;
        List<TopicPartition> partitions = new ArrayList<>();
        records.forEach(r -> partitions.add(((GroupRecord.OffsetCommit) r).partition()));
        committing.commitStarted(partitions);
        return writer.append(committing.offsetsPartition, records).thenApply(outcome -> {
            committing.commitDone(partitions);
            if (!outcome.ok()) {
                Errors error = GroupWriter.forOffsetCommit(outcome.appendError());
                accepted.forEach(p -> p.setErrorCode(error.code()));
            } else if (catalog.isCurrent(committing)) {
                for (GroupRecord record : records) {
                    GroupRecord.OffsetCommit commit = (GroupRecord.OffsetCommit) record;
                    apply(committing, commit.partition(), commit.value(), outcome.lastOffset());
                }
            }
            return response;
        });
    }

    /**
     * Who may commit: anyone to an empty group without generation (admin tools, standalone consumers);
     * otherwise a current member of the current generation, and not while the group waits for its assignment.
     * Commits during PreparingRebalance are accepted: eager consumers commit before giving partitions up.
     */
    private static Errors validateCommit(ClassicGroup group, OffsetCommitRequestData request) {
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        int generation = request.generationIdOrMemberEpoch();
        if (generation < 0 && group.is(GroupState.EMPTY)) {
            return Errors.NONE;
        }
        if (generation >= 0 || !request.memberId().isEmpty() || request.groupInstanceId() != null) {
            Errors invalid = GroupMembership.validateMember(group, request.memberId(), request.groupInstanceId());
            if (invalid != Errors.NONE) {
                return invalid;
            }
            if (generation != group.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!group.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return group.is(GroupState.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /** Applies a stored commit (or, with {@code value} null, a deletion) unless a later record already did. */
    private static void apply(ClassicGroup group, TopicPartition tp, CommittedOffset value, long logOffset) {
        Long applied = group.offsetPositions.get(tp);
        if (applied != null && applied > logOffset) {
            return;
        }
        group.offsetPositions.put(tp, logOffset);
        if (value == null) {
            group.offsets.remove(tp);
        } else {
            group.offsets.put(tp, value);
        }
    }

    // -------------------------------------------------------------------------------------------- fetch

    /**
     * The committed offsets of one group: of the requested partitions (-1 where nothing is committed), or all
     * when {@code topics} is null. Topics by name up to v9, by id from v10.
     */
    OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup request, short version) {
        boolean byId = version >= 10;
        Errors error = catalog.check(request.groupId(), true);
        if (error != Errors.NONE) {
            return OffsetFetchResponse.groupError(request, error, version);
        }
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(request.groupId());
        ClassicGroup group = catalog.get(request.groupId());
        Map<TopicPartition, CommittedOffset> offsets =
                group == null || group.is(GroupState.DEAD) ? Map.of() : group.offsets;
        if (request.topics() == null) {
            Map<String, Map<Integer, CommittedOffset>> byTopic = new TreeMap<>();
            offsets.forEach((tp, v) ->
                    byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), v));
            for (Map.Entry<String, Map<Integer, CommittedOffset>> topic : byTopic.entrySet()) {
                OffsetFetchResponseTopics topicResponse = new OffsetFetchResponseTopics();
                if (byId) {
                    Uuid id = topics.idOf(topic.getKey());
                    if (id == null) {
                        continue; // the topic is gone: a client asking by id cannot name it
                    }
                    topicResponse.setTopicId(id);
                } else {
                    topicResponse.setName(topic.getKey());
                }
                topic.getValue()
                        .forEach((partition, v) -> topicResponse.partitions().add(partition(partition, v)));
                response.topics().add(topicResponse);
            }
            return response;
        }
        for (OffsetFetchRequestTopics topic : request.topics()) {
            String name = byId ? topics.nameOf(topic.topicId()) : topic.name();
            OffsetFetchResponseTopics topicResponse = byId
                    ? new OffsetFetchResponseTopics().setTopicId(topic.topicId())
                    : new OffsetFetchResponseTopics().setName(topic.name());
            for (int partition : topic.partitionIndexes()) {
                OffsetFetchResponsePartitions p =
                        partition(partition, name == null ? null : offsets.get(new TopicPartition(name, partition)));
                if (name == null) {
                    p.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                }
                topicResponse.partitions().add(p);
            }
            response.topics().add(topicResponse);
        }
        return response;
    }

    private static OffsetFetchResponsePartitions partition(int partition, CommittedOffset value) {
        OffsetFetchResponsePartitions p = new OffsetFetchResponsePartitions().setPartitionIndex(partition);
        if (value == null) {
            return p.setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("");
        }
        return p.setCommittedOffset(value.offset())
                .setCommittedLeaderEpoch(value.leaderEpoch())
                .setMetadata(value.metadata());
    }

    // ------------------------------------------------------------------------------------------- delete

    /**
     * OffsetDelete (KIP-496): removes a group's offsets of some partitions. Allowed for an empty group; for a
     * consumer group with members, only for topics no member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC
     * otherwise); never for other non-empty groups (NON_EMPTY_GROUP).
     */
    CompletableFuture<OffsetDeleteResponseData> delete(OffsetDeleteRequestData request) {
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        Errors error = catalog.check(request.groupId(), false);
        ClassicGroup group = error == Errors.NONE ? catalog.get(request.groupId()) : null;
        if (error == Errors.NONE && (group == null || group.is(GroupState.DEAD))) {
            error = Errors.GROUP_ID_NOT_FOUND;
        } else if (error == Errors.NONE
                && !group.is(GroupState.EMPTY)
                && !ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(group.protocolType)) {
            error = Errors.NON_EMPTY_GROUP;
        }
        if (error != Errors.NONE) {
            return CompletableFuture.completedFuture(response.setErrorCode(error.code()));
        }
        Set<String> subscribed = group.is(GroupState.EMPTY) ? Set.of() : group.subscribedTopics();
        List<GroupRecord> records = new ArrayList<>();
        List<OffsetDeleteResponsePartition> deleting = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic topic : request.topics()) {
            OffsetDeleteResponseTopic topicResponse = new OffsetDeleteResponseTopic().setName(topic.name());
            response.topics().add(topicResponse);
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                OffsetDeleteResponsePartition partitionResponse =
                        new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex());
                topicResponse.partitions().add(partitionResponse);
                if (!topics.exists(tp)) {
                    partitionResponse.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (subscribed == null || subscribed.contains(tp.topic())) {
                    partitionResponse.setErrorCode(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
                } else if (group.offsets.containsKey(tp)) {
                    records.add(new GroupRecord.OffsetCommit(group.groupId, tp, null));
                    deleting.add(partitionResponse);
                }
            }
        }
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return removeOffsets(group, records).thenApply(appendError -> {
            if (appendError != Errors.NONE) {
                deleting.forEach(p ->
                        p.setErrorCode(GroupWriter.forOffsetCommit(appendError).code()));
            }
            return response;
        });
    }

    /** Appends offset tombstones and applies them once stored; the future gives the append error. */
    private CompletableFuture<Errors> removeOffsets(ClassicGroup group, List<GroupRecord> tombstones) {
        return writer.append(group.offsetsPartition, tombstones).thenApply(outcome -> {
            if (outcome.ok() && catalog.isCurrent(group)) {
                for (GroupRecord record : tombstones) {
                    if (record instanceof GroupRecord.OffsetCommit commit) {
                        apply(group, commit.partition(), null, outcome.lastOffset());
                    }
                }
            }
            return outcome.appendError();
        });
    }

    // ------------------------------------------------------------------------------------------- expiry

    /**
     * Deletes expired offsets, and forgets empty groups that have no offsets left (a tombstone for their
     * metadata). Runs every {@code offsets.retention.check.interval.ms}.
     */
    void expire() {
        long now = scheduler.nowMs();
        for (ClassicGroup group : catalog.all()) {
            List<GroupRecord> records = new ArrayList<>();
            for (TopicPartition tp : expirable(group, now)) {
                records.add(new GroupRecord.OffsetCommit(group.groupId, tp, null));
            }
            boolean forgetGroup = canForget(group, records.size());
            if (forgetGroup) {
                records.add(new GroupRecord.GroupMetadata(group.groupId, null));
            }
            if (records.isEmpty()) {
                continue;
            }
            int expired = forgetGroup ? records.size() - 1 : records.size();
            removeOffsets(group, records).thenAccept(appendError -> {
                if (appendError != Errors.NONE) {
                    log.warn("cannot expire offsets of group {}: {}", group.groupId, appendError);
                    return;
                }
                if (expired > 0) {
                    log.info("expired {} committed offset(s) of group {}", expired, group.groupId);
                }
                if (forgetGroup && catalog.isCurrent(group) && canForget(group, 0)) {
                    log.info("group {} is empty and has no offsets left: removing it", group.groupId);
                    catalog.remove(group);
                }
            });
        }
    }

    /** Whether {@code group} may be forgotten once {@code expiring} of its offsets are gone. */
    private static boolean canForget(ClassicGroup group, int expiring) {
        return group.is(GroupState.EMPTY)
                && group.members.isEmpty()
                && group.pendingMembers.isEmpty()
                && !group.hasPendingCommits()
                && group.offsets.size() == expiring;
    }

    private Set<TopicPartition> expirable(ClassicGroup group, long now) {
        Set<TopicPartition> expired = new LinkedHashSet<>();
        if (topics.isCurrent()) {
            // Offsets of deleted topics go whatever the group's state: nobody can consume them any more.
            group.offsets.keySet().stream().filter(tp -> !topics.exists(tp)).forEach(expired::add);
        }
        long retentionMs = config.offsetsRetentionMs();
        Set<String> subscribed = null;
        boolean onlyUnsubscribed = false;
        if (group.protocolType != null && !group.is(GroupState.EMPTY)) {
            if (!ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(group.protocolType) || !group.is(GroupState.STABLE)) {
                return expired;
            }
            subscribed = group.subscribedTopics();
            if (subscribed == null) {
                return expired;
            }
            onlyUnsubscribed = true;
        }
        for (Map.Entry<TopicPartition, CommittedOffset> e : group.offsets.entrySet()) {
            long since = e.getValue().commitTimestampMs();
            if (group.protocolType != null && group.is(GroupState.EMPTY)) {
                since = Math.max(since, group.stateTimestampMs());
            }
            if ((onlyUnsubscribed && subscribed.contains(e.getKey().topic())) || expired.contains(e.getKey())) {
                continue;
            }
            if (now - since >= retentionMs) {
                expired.add(e.getKey());
            }
        }
        return expired;
    }
}
