package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.protocol.handler.DeleteGroupsHandler;
import io.vertebra.log.protocol.handler.DescribeGroupsHandler;
import io.vertebra.log.protocol.handler.HeartbeatHandler;
import io.vertebra.log.protocol.handler.JoinGroupHandler;
import io.vertebra.log.protocol.handler.LeaveGroupHandler;
import io.vertebra.log.protocol.handler.ListGroupsHandler;
import io.vertebra.log.protocol.handler.OffsetCommitHandler;
import io.vertebra.log.protocol.handler.OffsetDeleteHandler;
import io.vertebra.log.protocol.handler.OffsetFetchHandler;
import io.vertebra.log.protocol.handler.SyncGroupHandler;
import io.vertebra.log.security.InternalResourceGuard;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every version of every group API, through the wire: the request as a client of that version serializes it,
 * parsed by the dispatcher, served by the handler, and the response serialized in that version and read back
 * as the client would. Catches fields a version cannot carry and version-specific error placement.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupApiVersionsTest {
    private final CoordinatorHarness h = new CoordinatorHarness().loadAll();
    private final GroupCoordinator c = h.coordinator;

    /** Sends {@code request} as version {@code version} of its API and returns the response a client reads. */
    private AbstractResponse send(ApiHandler handler, AbstractRequest request, short version) {
        return send(h, handler, request, version);
    }

    private static AbstractResponse send(
            CoordinatorHarness h, ApiHandler handler, AbstractRequest request, short version) {
        RequestHeader header = new RequestHeader(request.apiKey(), version, "client-v" + version, 7);
        RequestDispatcher.Parsed parsed = RequestDispatcher.parse(request.serializeWithHeader(header));
        assertNull(parsed.problem());
        RequestContext context = new RequestContext(
                parsed.header(), "conn-1", InetAddress.getLoopbackAddress(), KafkaPrincipal.ANONYMOUS);
        CompletableFuture<AbstractResponse> response = handler.handle(context, parsed.request());
        h.scheduler.runPending();
        if (!response.isDone() && request.apiKey() == ApiKeys.JOIN_GROUP) {
            h.scheduler.advance(CoordinatorHarness.INITIAL_DELAY_MS); // the first join waits the initial delay
        }
        assertTrue(response.isDone(), request.apiKey() + " v" + version + " was not answered");
        ByteBufferAccessor bytes =
                MessageUtil.toByteBufferAccessor(response.join().data(), version);
        bytes.buffer().rewind();
        return AbstractResponse.parseResponse(request.apiKey(), bytes, version);
    }

    private static JoinGroupRequestData join(String group, String memberId) {
        return CoordinatorHarness.joinRequest(group, memberId, null, "range");
    }

    /** Joins {@code group} at {@code version} (with the member-id round trip from v4) and syncs; returns the id. */
    private String joinAndSync(String group, short version) {
        JoinGroupHandler joinHandler = new JoinGroupHandler(c);
        JoinGroupResponse first =
                (JoinGroupResponse) send(joinHandler, new JoinGroupRequest(join(group, ""), version), version);
        JoinGroupResponse joined = first;
        if (version >= 4) {
            assertEquals(Errors.MEMBER_ID_REQUIRED, first.error(), "v" + version);
            joined = (JoinGroupResponse) send(
                    joinHandler, new JoinGroupRequest(join(group, first.data().memberId()), version), version);
        }
        assertEquals(Errors.NONE, joined.error(), "JoinGroup v" + version);
        assertTrue(joined.isLeader());
        assertEquals("range", joined.data().protocolName());
        return joined.data().memberId();
    }

    @Test
    void joinSyncHeartbeatAndLeaveInEveryVersion() {
        for (short v = ApiKeys.JOIN_GROUP.oldestVersion(); v <= ApiKeys.JOIN_GROUP.latestVersion(); v++) {
            String group = "join-v" + v;
            String member = joinAndSync(group, v);
            short syncVersion = (short) Math.min(v, ApiKeys.SYNC_GROUP.latestVersion());
            SyncGroupRequestData sync = new SyncGroupRequestData()
                    .setGroupId(group)
                    .setMemberId(member)
                    .setGenerationId(1)
                    .setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment()
                            .setMemberId(member)
                            .setAssignment(new byte[] {7})));
            if (syncVersion >= 5) {
                sync.setProtocolType("consumer").setProtocolName("range");
            }
            SyncGroupResponse synced = (SyncGroupResponse)
                    send(new SyncGroupHandler(c), new SyncGroupRequest(sync, syncVersion), syncVersion);
            assertEquals(Errors.NONE, synced.error(), "SyncGroup v" + syncVersion);
            assertEquals(7, synced.data().assignment()[0]);

            short hbVersion = (short) Math.min(v, ApiKeys.HEARTBEAT.latestVersion());
            HeartbeatResponse beat = (HeartbeatResponse) send(
                    new HeartbeatHandler(c),
                    new HeartbeatRequest.Builder(new HeartbeatRequestData()
                                    .setGroupId(group)
                                    .setMemberId(member)
                                    .setGenerationId(1))
                            .build(hbVersion),
                    hbVersion);
            assertEquals(Errors.NONE, beat.error(), "Heartbeat v" + hbVersion);

            short leaveVersion = (short) Math.min(v, ApiKeys.LEAVE_GROUP.latestVersion());
            LeaveGroupResponse left = (LeaveGroupResponse) send(
                    new LeaveGroupHandler(c),
                    new LeaveGroupRequest.Builder(group, List.of(new MemberIdentity().setMemberId(member)))
                            .build(leaveVersion),
                    leaveVersion);
            assertEquals(Errors.NONE, left.error(), "LeaveGroup v" + leaveVersion);
            assertEquals(GroupState.EMPTY, h.state(group));

            LeaveGroupResponse unknown = (LeaveGroupResponse) send(
                    new LeaveGroupHandler(c),
                    new LeaveGroupRequest.Builder(group, List.of(new MemberIdentity().setMemberId("ghost")))
                            .build(leaveVersion),
                    leaveVersion);
            assertEquals(
                    Errors.UNKNOWN_MEMBER_ID, unknown.error(), "LeaveGroup v" + leaveVersion + " of an unknown member");
        }
    }

    @Test
    void commitAndFetchOffsetsInEveryVersion() {
        for (short v = ApiKeys.OFFSET_COMMIT.oldestVersion(); v <= ApiKeys.OFFSET_COMMIT.latestVersion(); v++) {
            String group = "offsets-v" + v;
            OffsetCommitRequestTopic topic = new OffsetCommitRequestTopic()
                    .setPartitions(List.of(new OffsetCommitRequestPartition()
                            .setPartitionIndex(1)
                            .setCommittedOffset(100 + v)
                            .setCommittedMetadata("v" + v)));
            if (v >= 10) {
                topic.setTopicId(CoordinatorHarness.TOPIC_ID);
            } else {
                topic.setName(CoordinatorHarness.TOPIC);
            }
            OffsetCommitRequestData commit =
                    new OffsetCommitRequestData().setGroupId(group).setTopics(List.of(topic));
            OffsetCommitResponse committed =
                    (OffsetCommitResponse) send(new OffsetCommitHandler(c), new OffsetCommitRequest(commit, v), v);
            assertEquals(
                    Errors.NONE.code(),
                    committed.data().topics().get(0).partitions().get(0).errorCode(),
                    "OffsetCommit v" + v);
        }
        for (short v = ApiKeys.OFFSET_FETCH.oldestVersion(); v <= ApiKeys.OFFSET_FETCH.latestVersion(); v++) {
            short commitVersion = (short) Math.max(v, ApiKeys.OFFSET_COMMIT.oldestVersion());
            String group = "offsets-v" + commitVersion;
            OffsetFetchResponse fetched =
                    (OffsetFetchResponse) send(new OffsetFetchHandler(c), fetchRequest(group, v), v);
            var groupResponse = fetched.group(group);
            assertEquals(Errors.NONE.code(), groupResponse.errorCode(), "OffsetFetch v" + v);
            assertEquals(
                    100 + commitVersion,
                    groupResponse.topics().get(0).partitions().get(0).committedOffset(),
                    "OffsetFetch v" + v);
        }
        // v1 has no group-level error field: the error goes on every partition.
        CoordinatorHarness notLeading = new CoordinatorHarness();
        OffsetFetchResponse v1 = (OffsetFetchResponse) send(
                notLeading, new OffsetFetchHandler(notLeading.coordinator), fetchRequest("g", (short) 1), (short) 1);
        assertEquals(
                Errors.NOT_COORDINATOR.code(),
                v1.data().topics().get(0).partitions().get(0).errorCode());
        OffsetFetchResponse v8 = (OffsetFetchResponse) send(
                notLeading, new OffsetFetchHandler(notLeading.coordinator), fetchRequest("g", (short) 8), (short) 8);
        assertEquals(Errors.NOT_COORDINATOR.code(), v8.group("g").errorCode());
    }

    private static AbstractRequest fetchRequest(String group, short version) {
        OffsetFetchRequestTopics topic = new OffsetFetchRequestTopics().setPartitionIndexes(List.of(1));
        if (version >= 10) {
            topic.setTopicId(CoordinatorHarness.TOPIC_ID);
        } else {
            topic.setName(CoordinatorHarness.TOPIC);
        }
        OffsetFetchRequestData data = new OffsetFetchRequestData()
                .setGroups(
                        List.of(new OffsetFetchRequestGroup().setGroupId(group).setTopics(List.of(topic))));
        return (version >= 10
                        ? OffsetFetchRequest.Builder.forTopicIdsOrNames(data, false)
                        : OffsetFetchRequest.Builder.forTopicNames(data, false))
                .build(version);
    }

    @Test
    void adminApisInEveryVersion() {
        String member = joinAndSync("described", (short) 9);
        SyncGroupRequestData sync = new SyncGroupRequestData()
                .setGroupId("described")
                .setMemberId(member)
                .setGenerationId(1);
        send(new SyncGroupHandler(c), new SyncGroupRequest(sync, (short) 5), (short) 5);
        h.commit("empty-one", "", -1, 0, 1).join();

        for (short v = ApiKeys.LIST_GROUPS.oldestVersion(); v <= ApiKeys.LIST_GROUPS.latestVersion(); v++) {
            ListGroupsRequestData data = new ListGroupsRequestData();
            if (v >= 4) {
                data.setStatesFilter(List.of("Stable"));
            }
            ListGroupsResponse listed =
                    (ListGroupsResponse) send(new ListGroupsHandler(c), new ListGroupsRequest(data, v), v);
            assertEquals(v >= 4 ? 1 : 2, listed.data().groups().size(), "ListGroups v" + v);
        }
        for (short v = ApiKeys.DESCRIBE_GROUPS.oldestVersion(); v <= ApiKeys.DESCRIBE_GROUPS.latestVersion(); v++) {
            DescribeGroupsRequestData data = new DescribeGroupsRequestData().setGroups(List.of("described", "missing"));
            if (v >= 3) {
                data.setIncludeAuthorizedOperations(true);
            }
            DescribeGroupsResponse described = (DescribeGroupsResponse)
                    send(new DescribeGroupsHandler(c), new DescribeGroupsRequest.Builder(data).build(v), v);
            assertEquals("Stable", described.data().groups().get(0).groupState(), "DescribeGroups v" + v);
            assertEquals(
                    member, described.data().groups().get(0).members().get(0).memberId());
            assertEquals(
                    v >= 6 ? Errors.GROUP_ID_NOT_FOUND.code() : Errors.NONE.code(),
                    described.data().groups().get(1).errorCode(),
                    "DescribeGroups v" + v + " of an unknown group");
        }
        OffsetDeleteRequestTopicCollection topics = new OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestTopic()
                .setName(CoordinatorHarness.TOPIC)
                .setPartitions(List.of(new OffsetDeleteRequestPartition().setPartitionIndex(0))));
        OffsetDeleteResponse offsetsDeleted = (OffsetDeleteResponse) send(
                new OffsetDeleteHandler(c),
                new OffsetDeleteRequest(
                        new OffsetDeleteRequestData().setGroupId("empty-one").setTopics(topics), (short) 0),
                (short) 0);
        assertEquals(Errors.NONE.code(), offsetsDeleted.data().errorCode());
        for (short v = ApiKeys.DELETE_GROUPS.oldestVersion(); v <= ApiKeys.DELETE_GROUPS.latestVersion(); v++) {
            DeleteGroupsResponse deleted = (DeleteGroupsResponse) send(
                    new DeleteGroupsHandler(c, InternalResourceGuard.BROKER_TOPICS_ONLY),
                    new DeleteGroupsRequest(new DeleteGroupsRequestData().setGroupsNames(List.of("described")), v),
                    v);
            assertEquals(Errors.NON_EMPTY_GROUP, deleted.get("described"), "DeleteGroups v" + v);
        }
    }
}
