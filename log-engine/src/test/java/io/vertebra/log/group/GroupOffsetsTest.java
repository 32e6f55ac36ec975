package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.group.CoordinatorHarness.Joining;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Committed offsets and the admin APIs on a manual clock: who may commit when, acknowledgement only after the
 * append, deletion, expiry, and everything surviving a reload from the log.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupOffsetsTest {
    private static final String GROUP = "reports";

    private final CoordinatorHarness h = new CoordinatorHarness().loadAll();

    /** A Stable one-member group at generation 1. */
    private String stableMember() {
        Joining m = h.joinNew(GROUP);
        h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS);
        m.response().join();
        h.sync(GROUP, m.memberId(), 1, Map.of()).join();
        return m.memberId();
    }

    @Test
    void aStandaloneConsumerCommitsWithoutJoiningAndReadsItBack() {
        assertEquals(-1, h.committed(GROUP, 0), "nothing committed yet");
        assertEquals(
                Errors.NONE,
                CoordinatorHarness.commitError(h.commit(GROUP, "", -1, 0, 42).join()));
        assertEquals(42, h.committed(GROUP, 0));
        OffsetFetchResponseGroup all =
                h.fetch(new OffsetFetchRequestGroup().setGroupId(GROUP).setTopics(null));
        assertEquals(4, all.topics().get(0).partitions().get(0).committedLeaderEpoch());
        assertEquals("m42", all.topics().get(0).partitions().get(0).metadata());
        assertEquals(GroupState.EMPTY, h.state(GROUP));
    }

    @Test
    void membersCommitWithTheirGenerationAndOthersAreTurnedAway() {
        String member = stableMember();
        assertEquals(
                Errors.NONE,
                CoordinatorHarness.commitError(h.commit(GROUP, member, 1, 1, 10).join()));
        assertEquals(
                Errors.ILLEGAL_GENERATION,
                CoordinatorHarness.commitError(h.commit(GROUP, member, 0, 1, 11).join()));
        assertEquals(
                Errors.UNKNOWN_MEMBER_ID,
                CoordinatorHarness.commitError(
                        h.commit(GROUP, "other", 1, 1, 12).join()));
        assertEquals(
                Errors.UNKNOWN_MEMBER_ID,
                CoordinatorHarness.commitError(h.commit(GROUP, "", -1, 1, 13).join()),
                "an admin commit needs an empty group");
        assertEquals(
                Errors.GROUP_ID_NOT_FOUND,
                CoordinatorHarness.commitError(
                        h.commit("never-seen", "m", 3, 1, 1).join()),
                "v9: a generation for an unknown group");
        assertEquals(10, h.committed(GROUP, 1));
    }

    @Test
    void commitsAreAcceptedWhileTheGroupPreparesARebalanceButNotWhileItAwaitsTheAssignment() {
        String member = stableMember();
        Joining newcomer = h.joinNew(GROUP);
        assertEquals(GroupState.PREPARING_REBALANCE, h.state(GROUP));
        assertEquals(
                Errors.NONE,
                CoordinatorHarness.commitError(h.commit(GROUP, member, 1, 2, 5).join()),
                "eager consumers commit before they give their partitions up");
        h.join(GROUP, member).join();
        newcomer.response().join();
        assertEquals(GroupState.COMPLETING_REBALANCE, h.state(GROUP));
        assertEquals(
                Errors.REBALANCE_IN_PROGRESS,
                CoordinatorHarness.commitError(h.commit(GROUP, member, 2, 2, 6).join()));
    }

    @Test
    void aCommitIsVisibleAndAcknowledgedOnlyOnceStored() {
        h.log.hold();
        CompletableFuture<OffsetCommitResponseData> pending = h.commit(GROUP, "", -1, 3, 100);
        assertFalse(pending.isDone(), "not acknowledged before the append is");
        assertEquals(-1, h.committed(GROUP, 3), "not visible before it is stored");
        h.log.release();
        h.scheduler.runPending();
        assertEquals(Errors.NONE, CoordinatorHarness.commitError(pending.join()));
        assertEquals(100, h.committed(GROUP, 3));
    }

    @Test
    void aFailedAppendIsReportedWithTheErrorClientsActOn() {
        h.commit(GROUP, "", -1, 0, 1).join();
        h.log.failWith(Errors.NOT_LEADER_OR_FOLLOWER);
        assertEquals(
                Errors.NOT_COORDINATOR,
                CoordinatorHarness.commitError(h.commit(GROUP, "", -1, 0, 2).join()));
        h.log.failWith(Errors.NOT_ENOUGH_REPLICAS);
        assertEquals(
                Errors.COORDINATOR_NOT_AVAILABLE,
                CoordinatorHarness.commitError(h.commit(GROUP, "", -1, 0, 3).join()));
        h.log.failWith(Errors.RECORD_LIST_TOO_LARGE);
        assertEquals(
                Errors.INVALID_COMMIT_OFFSET_SIZE,
                CoordinatorHarness.commitError(h.commit(GROUP, "", -1, 0, 4).join()));
        assertEquals(1, h.committed(GROUP, 0), "failed commits change nothing");
    }

    @Test
    void badPartitionsAndOversizedMetadataFailAlone() {
        OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(GROUP)
                .setGenerationIdOrMemberEpoch(-1)
                .setTopics(List.of(
                        new OffsetCommitRequestTopic()
                                .setName(CoordinatorHarness.TOPIC)
                                .setPartitions(List.of(
                                        new OffsetCommitRequestPartition()
                                                .setPartitionIndex(0)
                                                .setCommittedOffset(7),
                                        new OffsetCommitRequestPartition()
                                                .setPartitionIndex(99)
                                                .setCommittedOffset(7),
                                        new OffsetCommitRequestPartition()
                                                .setPartitionIndex(1)
                                                .setCommittedOffset(7)
                                                .setCommittedMetadata("x".repeat(101)))),
                        new OffsetCommitRequestTopic()
                                .setName("no-such-topic")
                                .setPartitions(List.of(new OffsetCommitRequestPartition().setPartitionIndex(0)))));
        CompletableFuture<OffsetCommitResponseData> response = h.coordinator.commitOffsets(request, (short) 9);
        h.scheduler.runPending();
        OffsetCommitResponseData r = response.join();
        assertEquals(Errors.NONE.code(), r.topics().get(0).partitions().get(0).errorCode());
        assertEquals(
                Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                r.topics().get(0).partitions().get(1).errorCode());
        assertEquals(
                Errors.OFFSET_METADATA_TOO_LARGE.code(),
                r.topics().get(0).partitions().get(2).errorCode());
        assertEquals(
                Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                r.topics().get(1).partitions().get(0).errorCode());
        assertEquals(7, h.committed(GROUP, 0));
    }

    @Test
    void topicIdsAreResolvedFromVersion10() {
        OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(GROUP)
                .setGenerationIdOrMemberEpoch(-1)
                .setTopics(List.of(new OffsetCommitRequestTopic()
                        .setTopicId(CoordinatorHarness.TOPIC_ID)
                        .setPartitions(List.of(new OffsetCommitRequestPartition()
                                .setPartitionIndex(2)
                                .setCommittedOffset(9)))));
        CompletableFuture<OffsetCommitResponseData> response = h.coordinator.commitOffsets(request, (short) 10);
        h.scheduler.runPending();
        assertEquals(
                CoordinatorHarness.TOPIC_ID, response.join().topics().get(0).topicId());
        assertEquals(9, h.committed(GROUP, 2));

        CompletableFuture<List<OffsetFetchResponseGroup>> fetched = h.coordinator.fetchOffsets(
                List.of(new OffsetFetchRequestGroup()
                        .setGroupId(GROUP)
                        .setTopics(List.of(new OffsetFetchRequestTopics()
                                .setTopicId(CoordinatorHarness.TOPIC_ID)
                                .setPartitionIndexes(List.of(2))))),
                (short) 10);
        h.scheduler.runPending();
        assertEquals(
                9, fetched.join().get(0).topics().get(0).partitions().get(0).committedOffset());
    }

    @Test
    void offsetDeleteRemovesOffsetsOfTopicsTheGroupDoesNotConsume() {
        h.commit(GROUP, "", -1, 0, 5).join();
        h.commit(GROUP, "", -1, 1, 6).join();
        String member = stableMember(); // subscribes to "orders"
        OffsetDeleteResponseData refused = deleteOffsets(GROUP, 0);
        assertEquals(
                Errors.GROUP_SUBSCRIBED_TO_TOPIC.code(),
                refused.topics()
                        .find(CoordinatorHarness.TOPIC)
                        .partitions()
                        .find(0)
                        .errorCode());
        assertEquals(5, h.committed(GROUP, 0));

        h.leave(GROUP, new org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity().setMemberId(member));
        assertEquals(GroupState.EMPTY, h.state(GROUP));
        OffsetDeleteResponseData deleted = deleteOffsets(GROUP, 0);
        assertEquals(Errors.NONE.code(), deleted.errorCode());
        assertEquals(
                Errors.NONE.code(),
                deleted.topics()
                        .find(CoordinatorHarness.TOPIC)
                        .partitions()
                        .find(0)
                        .errorCode());
        assertEquals(-1, h.committed(GROUP, 0));
        assertEquals(6, h.committed(GROUP, 1));
        assertEquals(
                Errors.GROUP_ID_NOT_FOUND.code(), deleteOffsets("unknown", 0).errorCode());
    }

    private OffsetDeleteResponseData deleteOffsets(String group, int partition) {
        OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestTopic()
                .setName(CoordinatorHarness.TOPIC)
                .setPartitions(List.of(new OffsetDeleteRequestPartition().setPartitionIndex(partition))));
        CompletableFuture<OffsetDeleteResponseData> response = h.coordinator.deleteOffsets(
                new OffsetDeleteRequestData().setGroupId(group).setTopics(topics));
        h.scheduler.runPending();
        return response.join();
    }

    @Test
    void offsetsOfAnEmptyGroupExpireAfterTheRetentionAndTheGroupGoesWithThem() {
        String member = stableMember();
        h.commit(GROUP, member, 1, 0, 50).join();
        h.leave(GROUP, new org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity().setMemberId(member));
        h.scheduler.advance(CoordinatorHarness.RETENTION_MS - 1);
        expire();
        assertEquals(50, h.committed(GROUP, 0), "still within the retention");
        h.scheduler.advance(1);
        expire();
        assertEquals(-1, h.committed(GROUP, 0));
        assertNull(h.state(GROUP), "an empty group without offsets is forgotten");
    }

    @Test
    void offsetsOfAStableGroupDoNotExpire() {
        String member = stableMember();
        h.commit(GROUP, member, 1, 0, 50).join();
        for (long t = 0; t < CoordinatorHarness.RETENTION_MS + 60_000; t += 5_000) {
            h.scheduler.advance(5_000);
            h.heartbeat(GROUP, member, 1);
        }
        expire();
        assertEquals(50, h.committed(GROUP, 0));
    }

    @Test
    void offsetsOfADeletedTopicAreRemovedEvenFromAStableGroup() {
        String member = stableMember();
        h.commit(GROUP, member, 1, 0, 50).join();
        expire();
        assertEquals(50, h.committed(GROUP, 0));
        h.topicExists = false;
        expire();
        h.topicExists = true; // the name comes back (recreated): the old offsets must not
        assertEquals(-1, h.committed(GROUP, 0));
        assertEquals(GroupState.STABLE, h.state(GROUP));
    }

    private void expire() {
        h.scheduler.execute(h.coordinator::expireOffsets);
        h.scheduler.runPending();
    }

    @Test
    void groupsAndOffsetsComeBackFromTheLogAfterARestart() {
        h.commit("solo", "", -1, 0, 11).join();
        h.commit("solo", "", -1, 1, 12).join();
        deleteOffsetsOf("solo", 1);
        String member = stableMember();
        h.commit(GROUP, member, 1, 4, 44).join();

        CoordinatorHarness restarted = new CoordinatorHarness(CoordinatorHarness.config(10), h.log).loadAll();
        assertEquals(11, restarted.committed("solo", 0));
        assertEquals(-1, restarted.committed("solo", 1), "the tombstone is replayed too");
        assertEquals(44, restarted.committed(GROUP, 4));
        assertEquals(GroupState.STABLE, restarted.state(GROUP), "members resume where they were");
        assertEquals(Errors.NONE, restarted.heartbeat(GROUP, member, 1));
        restarted.scheduler.advance(CoordinatorHarness.SESSION_MS);
        assertEquals(GroupState.EMPTY, restarted.state(GROUP), "a member that does not come back expires");
    }

    private void deleteOffsetsOf(String group, int partition) {
        OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestTopic()
                .setName(CoordinatorHarness.TOPIC)
                .setPartitions(List.of(new OffsetDeleteRequestPartition().setPartitionIndex(partition))));
        h.coordinator.deleteOffsets(
                new OffsetDeleteRequestData().setGroupId(group).setTopics(topics));
        h.scheduler.runPending();
    }

    @Test
    void listDescribeAndDeleteGroups() {
        String member = stableMember();
        h.commit("solo", "", -1, 0, 1).join();

        ListGroupsResponseData all = list(new ListGroupsRequestData());
        assertEquals(2, all.groups().size());
        ListGroupsResponseData stable = list(new ListGroupsRequestData().setStatesFilter(List.of("stable")));
        assertEquals(
                List.of(GROUP), stable.groups().stream().map(g -> g.groupId()).toList());
        assertEquals("classic", stable.groups().get(0).groupType());
        assertEquals(
                0,
                list(new ListGroupsRequestData().setTypesFilter(List.of("consumer")))
                        .groups()
                        .size());

        CompletableFuture<List<DescribedGroup>> described =
                h.coordinator.describeGroups(List.of(GROUP, "missing"), (short) 6, true);
        h.scheduler.runPending();
        DescribedGroup group = described.join().get(0);
        assertEquals("Stable", group.groupState());
        assertEquals("range", group.protocolData());
        assertEquals(member, group.members().get(0).memberId());
        assertEquals("/127.0.0.1", group.members().get(0).clientHost());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), described.join().get(1).errorCode());

        List<DeletableGroupResult> results = delete(GROUP, "solo", "missing");
        assertEquals(Errors.NON_EMPTY_GROUP.code(), results.get(0).errorCode());
        assertEquals(Errors.NONE.code(), results.get(1).errorCode());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), results.get(2).errorCode());
        assertEquals(-1, h.committed("solo", 0));
        assertTrue(list(new ListGroupsRequestData()).groups().stream()
                .noneMatch(g -> g.groupId().equals("solo")));

        CoordinatorHarness restarted = new CoordinatorHarness(CoordinatorHarness.config(10), h.log).loadAll();
        assertNull(restarted.state("solo"), "the deletion is stored");
    }

    @Test
    void deletingAGroupAlsoDeletesACommitStillOnItsWay() {
        h.log.hold();
        CompletableFuture<OffsetCommitResponseData> commit = h.commit("solo", "", -1, 0, 9);
        CompletableFuture<List<DeletableGroupResult>> deleted = h.coordinator.deleteGroups(List.of("solo"));
        h.scheduler.runPending();
        h.log.release();
        h.scheduler.runPending();
        assertEquals(Errors.NONE, CoordinatorHarness.commitError(commit.join()));
        assertEquals(Errors.NONE.code(), deleted.join().get(0).errorCode());
        assertEquals(-1, h.committed("solo", 0));

        CoordinatorHarness restarted = new CoordinatorHarness(CoordinatorHarness.config(10), h.log).loadAll();
        assertEquals(-1, restarted.committed("solo", 0), "the commit that preceded the deletion stays deleted");
        assertNull(restarted.state("solo"));
    }

    private ListGroupsResponseData list(ListGroupsRequestData request) {
        CompletableFuture<ListGroupsResponseData> response = h.coordinator.listGroups(request);
        h.scheduler.runPending();
        return response.join();
    }

    private List<DeletableGroupResult> delete(String... groups) {
        CompletableFuture<List<DeletableGroupResult>> response = h.coordinator.deleteGroups(List.of(groups));
        h.scheduler.runPending();
        return response.join();
    }

    @Test
    void requestsForPartitionsThisBrokerDoesNotLeadOrStillLoadsAreTurnedAway() {
        CoordinatorHarness fresh = new CoordinatorHarness();
        assertEquals(Errors.NOT_COORDINATOR, fresh.heartbeat(GROUP, "m", 1));
        int partition = fresh.partitionOf(GROUP);
        fresh.scheduler.execute(() -> fresh.coordinator.loadPartition(partition));
        fresh.scheduler.runPending();
        assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS, fresh.heartbeat(GROUP, "m", 1));
        fresh.loader.runAll();
        fresh.scheduler.runPending();
        assertEquals(Errors.UNKNOWN_MEMBER_ID, fresh.heartbeat(GROUP, "m", 1));
    }

    @Test
    void losingLeadershipAnswersParkedRequestsWithNotCoordinator() {
        Joining parked = h.joinNew(GROUP);
        assertFalse(parked.response().isDone());
        h.scheduler.execute(() -> h.coordinator.unloadPartition(h.partitionOf(GROUP)));
        h.scheduler.runPending();
        assertEquals(Errors.NOT_COORDINATOR.code(), parked.response().join().errorCode());
        assertEquals(Errors.NOT_COORDINATOR, h.heartbeat(GROUP, parked.memberId(), 1));
    }
}
