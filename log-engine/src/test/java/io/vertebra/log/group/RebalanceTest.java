package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.group.CoordinatorHarness.Joining;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The classic group state machine on a manual clock: joins, syncs, heartbeats, leaves and their timeouts. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RebalanceTest {
    private static final String GROUP = "payments";

    /** Members that join an empty group together: the delay, extended once because others came during it. */
    private static final int TWO_JOINERS_DELAY_MS = 2 * CoordinatorHarness.INITIAL_DELAY_MS;

    private final CoordinatorHarness h = new CoordinatorHarness().loadAll();

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Errors error(JoinGroupResponseData r) {
        return Errors.forCode(r.errorCode());
    }

    /** Brings a one-member group to Stable; returns the member id (generation 1). */
    private String stableSingleMember() {
        Joining m1 = h.joinNew(GROUP);
        h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS);
        JoinGroupResponseData joined = m1.response().join();
        SyncGroupResponseData synced = h.sync(
                        GROUP, m1.memberId(), joined.generationId(), Map.of(m1.memberId(), bytes("all")))
                .join();
        assertEquals(Errors.NONE, Errors.forCode(synced.errorCode()));
        return m1.memberId();
    }

    @Test
    void firstJoinAsksForMemberIdThenWaitsForTheInitialDelay() {
        Joining m1 = h.joinNew(GROUP);
        assertFalse(m1.response().isDone(), "the initial rebalance waits group.initial.rebalance.delay.ms");
        assertEquals(GroupState.PREPARING_REBALANCE, h.state(GROUP));

        h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS - 1);
        assertFalse(m1.response().isDone());
        h.scheduler.advance(1);
        JoinGroupResponseData joined = m1.response().join();
        assertEquals(Errors.NONE, error(joined));
        assertEquals(1, joined.generationId());
        assertEquals(m1.memberId(), joined.leader());
        assertEquals("range", joined.protocolName());
        assertEquals("consumer", joined.protocolType());
        assertEquals(1, joined.members().size(), "the leader gets every member's metadata");
        assertEquals(GroupState.COMPLETING_REBALANCE, h.state(GROUP));

        SyncGroupResponseData synced = h.sync(GROUP, m1.memberId(), 1, Map.of(m1.memberId(), bytes("p0-p5")))
                .join();
        assertArrayEquals(bytes("p0-p5"), synced.assignment());
        assertEquals("range", synced.protocolName());
        assertEquals(GroupState.STABLE, h.state(GROUP));
    }

    @Test
    void membersJoiningDuringTheInitialDelayExtendItAndRebalanceOnce() {
        Joining m1 = h.joinNew(GROUP);
        h.scheduler.advance(2000);
        Joining m2 = h.joinNew(GROUP);
        h.scheduler.advance(1000); // first delay over, but a member arrived meanwhile: wait another delay
        assertFalse(m1.response().isDone());
        h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS);
        assertEquals(1, m1.response().join().generationId());
        assertEquals(1, m2.response().join().generationId());
        assertEquals(2, m1.response().join().members().size());
        assertTrue(m2.response().join().members().isEmpty(), "followers get no member list");
    }

    @Test
    void aNewMemberMakesTheGroupRebalanceAndFollowersWaitForTheLeadersAssignment() {
        String leader = stableSingleMember();
        Joining m2 = h.joinNew(GROUP);
        assertEquals(GroupState.PREPARING_REBALANCE, h.state(GROUP));
        assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat(GROUP, leader, 1));
        assertFalse(m2.response().isDone(), "the join phase waits for the old member to rejoin");

        JoinGroupResponseData leaderJoin = h.join(GROUP, leader).join();
        JoinGroupResponseData followerJoin = m2.response().join();
        assertEquals(2, leaderJoin.generationId());
        assertEquals(2, followerJoin.generationId());
        assertEquals(leader, followerJoin.leader());
        assertEquals(2, leaderJoin.members().size());

        CompletableFuture<SyncGroupResponseData> followerSync = h.sync(GROUP, m2.memberId(), 2, Map.of());
        assertFalse(followerSync.isDone(), "a follower's SyncGroup waits for the leader's");
        assertEquals(Errors.NONE, h.heartbeat(GROUP, m2.memberId(), 2), "heartbeats are fine while syncing");
        h.sync(GROUP, leader, 2, Map.of(leader, bytes("p0-p2"), m2.memberId(), bytes("p3-p5")))
                .join();
        assertArrayEquals(bytes("p3-p5"), followerSync.join().assignment());
        assertEquals(GroupState.STABLE, h.state(GROUP));
    }

    @Test
    void membersThatDoNotRejoinWithinTheRebalanceTimeoutAreRemoved() {
        String m1 = stableSingleMember();
        Joining m2 = h.joinNew(GROUP);
        h.join(GROUP, m1).join();
        m2.response().join();
        h.sync(GROUP, m2.memberId(), 2, Map.of());
        h.sync(GROUP, m1, 2, Map.of()).join();
        assertEquals(GroupState.STABLE, h.state(GROUP));

        Joining m3 = h.joinNew(GROUP); // generation 2 → rebalance; only m1 rejoins
        CompletableFuture<JoinGroupResponseData> m1Join = h.join(GROUP, m1);
        for (int t = 0; t < CoordinatorHarness.REBALANCE_MS - 1000; t += 1000) {
            h.scheduler.advance(1000);
            // m2 is alive (its heartbeat thread runs) but stuck: it never rejoins.
            assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat(GROUP, m2.memberId(), 2));
        }
        h.scheduler.advance(999);
        assertFalse(m1Join.isDone());
        h.scheduler.advance(1);
        JoinGroupResponseData joined = m1Join.join();
        assertEquals(3, joined.generationId());
        assertEquals(2, joined.members().size(), "m2 did not rejoin and was removed");
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat(GROUP, m2.memberId(), 3));
        assertEquals(Errors.NONE, error(m3.response().join()));
    }

    @Test
    void aMemberThatStopsHeartbeatingExpiresAfterItsSessionTimeout() {
        String m1 = stableSingleMember();
        Joining m2 = h.joinNew(GROUP);
        h.join(GROUP, m1).join();
        m2.response().join();
        h.sync(GROUP, m2.memberId(), 2, Map.of());
        h.sync(GROUP, m1, 2, Map.of()).join();

        for (int i = 0; i < 3; i++) {
            h.scheduler.advance(CoordinatorHarness.SESSION_MS / 4);
            assertEquals(Errors.NONE, h.heartbeat(GROUP, m1, 2), "m1 keeps heartbeating");
        }
        assertEquals(GroupState.STABLE, h.state(GROUP));
        h.scheduler.advance(CoordinatorHarness.SESSION_MS / 4);
        assertEquals(GroupState.PREPARING_REBALANCE, h.state(GROUP), "m2 expired: the group rebalances");
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat(GROUP, m2.memberId(), 2));
        assertEquals(Errors.REBALANCE_IN_PROGRESS, h.heartbeat(GROUP, m1, 2));
        JoinGroupResponseData rejoined = h.join(GROUP, m1).join();
        assertEquals(3, rejoined.generationId());
        assertEquals(1, rejoined.members().size());
    }

    @Test
    void theLastMemberExpiringLeavesTheGroupEmptyWithANewGeneration() {
        String m1 = stableSingleMember();
        h.scheduler.advance(CoordinatorHarness.SESSION_MS);
        assertEquals(GroupState.EMPTY, h.state(GROUP));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat(GROUP, m1, 1));
    }

    @Test
    void heartbeatsNameWhatIsWrong() {
        String m1 = stableSingleMember();
        assertEquals(Errors.NONE, h.heartbeat(GROUP, m1, 1));
        assertEquals(Errors.ILLEGAL_GENERATION, h.heartbeat(GROUP, m1, 7));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat(GROUP, "stranger", 1));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat("no-such-group", m1, 1));
        assertEquals(Errors.INVALID_GROUP_ID, h.heartbeat("", m1, 1));
    }

    @Test
    void syncGroupChecksGenerationAndProtocol() {
        String m1 = stableSingleMember();
        assertEquals(
                Errors.ILLEGAL_GENERATION,
                Errors.forCode(h.sync(GROUP, m1, 3, Map.of()).join().errorCode()));
        assertEquals(
                Errors.UNKNOWN_MEMBER_ID,
                Errors.forCode(h.sync(GROUP, "stranger", 1, Map.of()).join().errorCode()));
        SyncGroupResponseData again = h.sync(GROUP, m1, 1, Map.of()).join();
        assertArrayEquals(bytes("all"), again.assignment(), "a Stable group answers with the stored assignment");
    }

    @Test
    void aJoinWithAnUnsupportedProtocolIsRejected() {
        stableSingleMember();
        JoinGroupRequestData other = CoordinatorHarness.joinRequest(GROUP, "", null, "roundrobin");
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL, error(h.join(other, 5).join()));
        JoinGroupRequestData wrongType =
                CoordinatorHarness.joinRequest(GROUP, "", null, "range").setProtocolType("connect");
        assertEquals(
                Errors.INCONSISTENT_GROUP_PROTOCOL, error(h.join(wrongType, 5).join()));
    }

    @Test
    void theProtocolEveryMemberSupportsIsSelectedByVote() {
        Joining m1 = h.joinNew(GROUP);
        JoinGroupRequestData both = CoordinatorHarness.joinRequest(GROUP, "", null, "cooperative-sticky", "range");
        JoinGroupResponseData idRequired = h.join(both, 9).join();
        CompletableFuture<JoinGroupResponseData> m2 = h.join(both.setMemberId(idRequired.memberId()), 9);
        h.scheduler.advance(TWO_JOINERS_DELAY_MS);
        assertEquals("range", m1.response().join().protocolName(), "only range is supported by both");
        assertEquals("range", m2.join().protocolName());
    }

    @Test
    void sessionTimeoutsOutsideTheBrokerBoundsAreRejected() {
        JoinGroupRequestData tooShort =
                CoordinatorHarness.joinRequest(GROUP, "", null, "range").setSessionTimeoutMs(10);
        assertEquals(Errors.INVALID_SESSION_TIMEOUT, error(h.join(tooShort, 9).join()));
        JoinGroupRequestData tooLong =
                CoordinatorHarness.joinRequest(GROUP, "", null, "range").setSessionTimeoutMs(3_600_000);
        assertEquals(Errors.INVALID_SESSION_TIMEOUT, error(h.join(tooLong, 9).join()));
    }

    @Test
    void oldClientsJoinWithoutTheMemberIdRoundTrip() {
        JoinGroupRequestData request = CoordinatorHarness.joinRequest(GROUP, "", null, "range");
        CompletableFuture<JoinGroupResponseData> v3 = h.join(request, 3);
        h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS);
        JoinGroupResponseData joined = v3.join();
        assertEquals(Errors.NONE, error(joined));
        assertTrue(joined.memberId().startsWith("client-"), joined.memberId());
    }

    @Test
    void aPendingMemberIdExpiresWhenTheClientNeverComesBack() {
        String m1 = stableSingleMember();
        JoinGroupResponseData idRequired = h.join(GROUP, "").join();
        assertEquals(Errors.MEMBER_ID_REQUIRED, error(idRequired));
        assertEquals(GroupState.STABLE, h.state(GROUP), "handing out a member id does not rebalance");
        h.scheduler.advance(CoordinatorHarness.SESSION_MS / 2);
        assertEquals(Errors.NONE, h.heartbeat(GROUP, m1, 1));
        h.scheduler.advance(CoordinatorHarness.SESSION_MS / 2);
        assertEquals(
                Errors.UNKNOWN_MEMBER_ID,
                error(h.join(GROUP, idRequired.memberId()).join()),
                "the pending id expired");
    }

    @Test
    void groupMaxSizeRejectsTheMemberTooMany() {
        CoordinatorHarness small =
                new CoordinatorHarness(CoordinatorHarness.config(2), new InMemoryGroupLog()).loadAll();
        Joining m1 = small.joinNew(GROUP);
        Joining m2 = small.joinNew(GROUP);
        JoinGroupResponseData idRequired = small.join(GROUP, "").join();
        JoinGroupResponseData third = small.join(GROUP, idRequired.memberId()).join();
        assertEquals(Errors.GROUP_MAX_SIZE_REACHED, error(third));
        small.scheduler.advance(TWO_JOINERS_DELAY_MS);
        assertEquals(2, m1.response().join().members().size());
        assertEquals(Errors.NONE, error(m2.response().join()));
    }

    @Test
    void leaveGroupRemovesMembersByIdAndStaticMembersByInstanceId() {
        JoinGroupRequestData staticJoin = CoordinatorHarness.joinRequest(GROUP, "", "instance-a", "range");
        CompletableFuture<JoinGroupResponseData> s1 = h.join(staticJoin, 9);
        Joining d1 = h.joinNew(GROUP);
        h.scheduler.advance(TWO_JOINERS_DELAY_MS);
        assertEquals(2, s1.join().members().size());

        LeaveGroupResponseData left = h.leave(
                GROUP,
                new MemberIdentity().setMemberId(d1.memberId()),
                new MemberIdentity().setMemberId("").setGroupInstanceId("instance-a"),
                new MemberIdentity().setMemberId("ghost"));
        assertEquals(Errors.NONE, Errors.forCode(left.errorCode()));
        assertEquals(Errors.NONE, Errors.forCode(left.members().get(0).errorCode()));
        assertEquals(Errors.NONE, Errors.forCode(left.members().get(1).errorCode()));
        assertEquals(
                Errors.UNKNOWN_MEMBER_ID, Errors.forCode(left.members().get(2).errorCode()));
        assertEquals(GroupState.EMPTY, h.state(GROUP), "no member left: the group is empty");
        assertEquals(
                Errors.UNKNOWN_MEMBER_ID,
                Errors.forCode(h.leave("unknown-group", new MemberIdentity().setMemberId("x"))
                        .errorCode()));
    }

    @Test
    void aStaticMemberThatComesBackKeepsItsAssignmentWithoutARebalance() {
        JoinGroupRequestData a = CoordinatorHarness.joinRequest(GROUP, "", "instance-a", "range");
        JoinGroupRequestData b = CoordinatorHarness.joinRequest(GROUP, "", "instance-b", "range");
        CompletableFuture<JoinGroupResponseData> aJoin = h.join(a, 9);
        CompletableFuture<JoinGroupResponseData> bJoin = h.join(b, 9);
        h.scheduler.advance(TWO_JOINERS_DELAY_MS);
        String aId = aJoin.join().memberId();
        String bId = bJoin.join().memberId();
        assertTrue(aId.startsWith("instance-a-"), aId);
        CompletableFuture<SyncGroupResponseData> bSync = h.sync(GROUP, bId, 1, Map.of());
        h.sync(GROUP, aId, 1, Map.of(aId, bytes("A"), bId, bytes("B"))).join();
        assertArrayEquals(bytes("B"), bSync.join().assignment());

        // b restarts: a static member sends no LeaveGroup and rejoins without its member id.
        h.scheduler.advance(CoordinatorHarness.SESSION_MS / 2);
        assertEquals(Errors.NONE, h.heartbeat(GROUP, aId, 1));
        JoinGroupResponseData back = h.join(CoordinatorHarness.joinRequest(GROUP, "", "instance-b", "range"), 9)
                .join();
        assertEquals(Errors.NONE, error(back));
        assertNotEquals(bId, back.memberId());
        assertEquals(1, back.generationId(), "no new generation");
        assertEquals(GroupState.STABLE, h.state(GROUP));
        assertArrayEquals(
                bytes("B"), h.sync(GROUP, back.memberId(), 1, Map.of()).join().assignment());
        assertEquals(Errors.FENCED_INSTANCE_ID, h.heartbeat(GROUP, bId, "instance-b", 1), "the old id is fenced");
        assertEquals(Errors.NONE, h.heartbeat(GROUP, back.memberId(), "instance-b", 1));
    }

    @Test
    void aReturningStaticLeaderIsToldToSkipTheAssignment() {
        JoinGroupRequestData a = CoordinatorHarness.joinRequest(GROUP, "", "instance-a", "range");
        CompletableFuture<JoinGroupResponseData> aJoin = h.join(a, 9);
        h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS);
        String aId = aJoin.join().memberId();
        h.sync(GROUP, aId, 1, Map.of(aId, bytes("A"))).join();

        JoinGroupResponseData back = h.join(CoordinatorHarness.joinRequest(GROUP, "", "instance-a", "range"), 9)
                .join();
        assertTrue(back.skipAssignment());
        assertEquals(back.memberId(), back.leader());
        assertEquals(1, back.members().size());

        JoinGroupResponseData v8 = h.join(CoordinatorHarness.joinRequest(GROUP, "", "instance-a", "range"), 8)
                .join();
        assertFalse(v8.skipAssignment());
        assertEquals(back.memberId(), v8.leader(), "older clients are told the previous leader id");
        assertNotEquals(v8.memberId(), v8.leader());
    }

    @Test
    void aStaticMemberThatDoesNotComeBackExpiresAfterItsSessionTimeout() {
        JoinGroupRequestData a = CoordinatorHarness.joinRequest(GROUP, "", "instance-a", "range");
        CompletableFuture<JoinGroupResponseData> aJoin = h.join(a, 9);
        h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS);
        String aId = aJoin.join().memberId();
        h.sync(GROUP, aId, 1, Map.of()).join();
        h.scheduler.advance(CoordinatorHarness.SESSION_MS);
        assertEquals(GroupState.EMPTY, h.state(GROUP));
    }

    @Test
    void membersThatDoNotSyncWithinTheRebalanceTimeoutAreRemoved() {
        Joining m1 = h.joinNew(GROUP);
        Joining m2 = h.joinNew(GROUP);
        h.scheduler.advance(TWO_JOINERS_DELAY_MS);
        String leader = m1.response().join().leader();
        String follower = leader.equals(m1.memberId()) ? m2.memberId() : m1.memberId();
        CompletableFuture<SyncGroupResponseData> followerSync = h.sync(GROUP, follower, 1, Map.of());
        for (int t = 0; t < CoordinatorHarness.REBALANCE_MS; t += 2000) {
            h.scheduler.advance(2000);
            h.heartbeat(GROUP, leader, 1); // alive, but never syncs
        }
        assertEquals(
                Errors.REBALANCE_IN_PROGRESS,
                Errors.forCode(followerSync.join().errorCode()),
                "the leader never sent the assignment: the waiting follower is told to rejoin");
        assertEquals(Errors.UNKNOWN_MEMBER_ID, h.heartbeat(GROUP, leader, 1));
    }

    @Test
    void failingToStoreTheAssignmentSendsMembersBackToRejoin() {
        Joining m1 = h.joinNew(GROUP);
        h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS);
        m1.response().join();
        h.log.failWith(Errors.NOT_LEADER_OR_FOLLOWER);
        SyncGroupResponseData failed = h.sync(GROUP, m1.memberId(), 1, Map.of()).join();
        assertEquals(Errors.NOT_COORDINATOR, Errors.forCode(failed.errorCode()));
        assertEquals(GroupState.PREPARING_REBALANCE, h.state(GROUP));
    }

    @Test
    void aJoinFromAnUnknownMemberOfAnUnknownGroupIsRejected() {
        assertEquals(
                Errors.UNKNOWN_MEMBER_ID, error(h.join("new-group", "made-up").join()));
        assertEquals(List.of(), h.join("", "").thenApply(r -> List.of()).join());
        assertEquals(Errors.INVALID_GROUP_ID, error(h.join("", "").join()));
    }
}
