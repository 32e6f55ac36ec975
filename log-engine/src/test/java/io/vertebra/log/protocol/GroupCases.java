package io.vertebra.log.protocol;

import static io.vertebra.log.protocol.VersionFixture.TOPIC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupResponse;

/**
 * The classic consumer group APIs. Each case sets up what its API needs (a joined member, committed offsets)
 * with the newest version of the other APIs, then uses its own API at the version under test.
 */
final class GroupCases {
    private static final byte[] SUBSCRIPTION = {0, 1, 2, 3};
    private static final byte[] ASSIGNMENT = {4, 5, 6};

    private GroupCases() {}

    static Map<ApiKeys, VersionCase> all() {
        Map<ApiKeys, VersionCase> cases = new EnumMap<>(ApiKeys.class);
        cases.put(ApiKeys.JOIN_GROUP, (f, s, v) -> join(s, f.fresh("vv-join"), v));
        cases.put(ApiKeys.SYNC_GROUP, GroupCases::sync);
        cases.put(ApiKeys.HEARTBEAT, GroupCases::heartbeat);
        cases.put(ApiKeys.LEAVE_GROUP, GroupCases::leave);
        cases.put(ApiKeys.OFFSET_COMMIT, GroupCases::offsetCommit);
        cases.put(ApiKeys.OFFSET_FETCH, GroupCases::offsetFetch);
        cases.put(ApiKeys.LIST_GROUPS, GroupCases::listGroups);
        cases.put(ApiKeys.DESCRIBE_GROUPS, GroupCases::describeGroups);
        cases.put(ApiKeys.DELETE_GROUPS, GroupCases::deleteGroups);
        cases.put(ApiKeys.OFFSET_DELETE, GroupCases::offsetDelete);
        return cases;
    }

    private record Member(String group, String memberId, int generation) {}

    /** Joins {@code group} as its only member at JoinGroup version {@code v} (v4+: twice, KIP-394). */
    private static Member join(RawKafkaSocket socket, String group, short v) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName("range")
                .setMetadata(SUBSCRIPTION));
        JoinGroupRequestData request = new JoinGroupRequestData()
                .setGroupId(group)
                .setSessionTimeoutMs(30_000)
                .setRebalanceTimeoutMs(30_000)
                .setMemberId("")
                .setProtocolType("consumer")
                .setProtocols(protocols);
        JoinGroupResponseData data = ((JoinGroupResponse) socket.send(request, v)).data();
        if (v >= 4) {
            assertEquals(Errors.MEMBER_ID_REQUIRED.code(), data.errorCode(), "KIP-394 first join");
            assertFalse(data.memberId().isEmpty(), "a member id to rejoin with");
            data = ((JoinGroupResponse) socket.send(request.setMemberId(data.memberId()), v)).data();
        }
        assertEquals(Errors.NONE.code(), data.errorCode(), "error " + Errors.forCode(data.errorCode()));
        assertEquals(1, data.generationId());
        assertEquals(data.memberId(), data.leader(), "the only member leads");
        assertEquals("range", data.protocolName());
        if (v >= 7) {
            assertEquals("consumer", data.protocolType());
        }
        assertEquals(1, data.members().size());
        assertArrayEquals(SUBSCRIPTION, data.members().get(0).metadata());
        return new Member(group, data.memberId(), data.generationId());
    }

    private static Member joinAndSync(RawKafkaSocket socket, String group) {
        Member m = join(socket, group, ApiKeys.JOIN_GROUP.latestVersion());
        syncAt(socket, m, ApiKeys.SYNC_GROUP.latestVersion());
        return m;
    }

    private static void syncAt(RawKafkaSocket socket, Member m, short v) {
        SyncGroupRequestData request = new SyncGroupRequestData()
                .setGroupId(m.group())
                .setGenerationId(m.generation())
                .setMemberId(m.memberId())
                .setAssignments(List.of(new SyncGroupRequestData.SyncGroupRequestAssignment()
                        .setMemberId(m.memberId())
                        .setAssignment(ASSIGNMENT)));
        if (v >= 5) {
            request.setProtocolType("consumer").setProtocolName("range");
        }
        SyncGroupResponseData data = ((SyncGroupResponse) socket.send(request, v)).data();
        assertEquals(Errors.NONE.code(), data.errorCode(), "error " + Errors.forCode(data.errorCode()));
        assertArrayEquals(ASSIGNMENT, data.assignment());
        if (v >= 5) {
            assertEquals("range", data.protocolName());
        }
    }

    private static void sync(VersionFixture f, RawKafkaSocket socket, short v) {
        Member m = join(socket, f.fresh("vv-sync"), ApiKeys.JOIN_GROUP.latestVersion());
        syncAt(socket, m, v);
        assertEquals("Stable", describe(socket, m.group()).groupState());
    }

    private static void heartbeat(VersionFixture f, RawKafkaSocket socket, short v) {
        Member m = joinAndSync(socket, f.fresh("vv-heartbeat"));
        HeartbeatRequestData request = new HeartbeatRequestData()
                .setGroupId(m.group())
                .setGenerationId(m.generation())
                .setMemberId(m.memberId());
        assertEquals(Map.of(Errors.NONE, 1), socket.send(request, v).errorCounts());
        request.setGenerationId(m.generation() + 1);
        assertEquals(
                Map.of(Errors.ILLEGAL_GENERATION, 1), socket.send(request, v).errorCounts());
    }

    private static void leave(VersionFixture f, RawKafkaSocket socket, short v) {
        Member m = joinAndSync(socket, f.fresh("vv-leave"));
        LeaveGroupRequestData request = new LeaveGroupRequestData().setGroupId(m.group());
        if (v >= 3) {
            request.setMembers(List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(m.memberId())));
        } else {
            request.setMemberId(m.memberId());
        }
        assertEquals(
                Errors.NONE,
                socket.send(request, v).errorCounts().keySet().stream()
                        .filter(e -> e != Errors.NONE)
                        .findFirst()
                        .orElse(Errors.NONE));
        assertEquals("Empty", describe(socket, m.group()).groupState());
    }

    private static void offsetCommit(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String group = f.fresh("vv-commit");
        OffsetCommitRequestData.OffsetCommitRequestTopic topic = new OffsetCommitRequestData.OffsetCommitRequestTopic()
                .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                        .setPartitionIndex(0)
                        .setCommittedOffset(7)
                        .setCommittedMetadata("m" + v)));
        if (v >= 10) {
            topic.setTopicId(f.topicId);
        } else {
            topic.setName(TOPIC);
        }
        OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(group)
                .setGenerationIdOrMemberEpoch(-1)
                .setMemberId("")
                .setTopics(List.of(topic));
        OffsetCommitResponseData data = ((OffsetCommitResponse) socket.send(request, v)).data();
        assertEquals(
                Errors.NONE.code(), data.topics().get(0).partitions().get(0).errorCode());
        OffsetAndMetadata committed = f.admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .get(new TopicPartition(TOPIC, 0));
        assertEquals(new OffsetAndMetadata(7, java.util.Optional.empty(), "m" + v).offset(), committed.offset());
        assertEquals("m" + v, committed.metadata());
    }

    private static void commit(VersionFixture f, String group, long offset) throws Exception {
        f.admin
                .alterConsumerGroupOffsets(group, Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(offset)))
                .all()
                .get();
    }

    private static void offsetFetch(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String group = f.fresh("vv-fetch");
        commit(f, group, 4);
        OffsetFetchRequestData request = new OffsetFetchRequestData();
        long offset;
        if (v >= 8) {
            OffsetFetchRequestData.OffsetFetchRequestTopics topic =
                    new OffsetFetchRequestData.OffsetFetchRequestTopics().setPartitionIndexes(List.of(0, 1));
            if (v >= 10) {
                topic.setTopicId(f.topicId);
            } else {
                topic.setName(TOPIC);
            }
            request.setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                    .setGroupId(group)
                    .setTopics(List.of(topic))));
            OffsetFetchResponseData.OffsetFetchResponseGroup g = ((OffsetFetchResponse) socket.send(request, v))
                    .data()
                    .groups()
                    .get(0);
            assertEquals(Errors.NONE.code(), g.errorCode());
            List<OffsetFetchResponseData.OffsetFetchResponsePartitions> partitions =
                    g.topics().get(0).partitions();
            offset = partitions.get(0).committedOffset();
            assertEquals(-1, partitions.get(1).committedOffset(), "nothing committed for partition 1");
        } else {
            request.setGroupId(group)
                    .setTopics(List.of(new OffsetFetchRequestData.OffsetFetchRequestTopic()
                            .setName(TOPIC)
                            .setPartitionIndexes(List.of(0, 1))));
            OffsetFetchResponseData data = ((OffsetFetchResponse) socket.send(request, v)).data();
            assertEquals(Errors.NONE.code(), data.errorCode());
            List<OffsetFetchResponseData.OffsetFetchResponsePartition> partitions =
                    data.topics().get(0).partitions();
            offset = partitions.get(0).committedOffset();
            assertEquals(-1, partitions.get(1).committedOffset(), "nothing committed for partition 1");
        }
        assertEquals(4, offset);
    }

    private static void listGroups(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String group = f.fresh("vv-list");
        commit(f, group, 1);
        ListGroupsRequestData request = new ListGroupsRequestData();
        if (v >= 4) {
            request.setStatesFilter(List.of("Empty"));
        }
        ListGroupsResponseData data = ((ListGroupsResponse) socket.send(request, v)).data();
        assertEquals(Errors.NONE.code(), data.errorCode());
        ListGroupsResponseData.ListedGroup listed = data.groups().stream()
                .filter(g -> g.groupId().equals(group))
                .findFirst()
                .orElseThrow(() -> new AssertionError(group + " not listed in " + data));
        if (v >= 4) {
            assertEquals("Empty", listed.groupState());
        }
        if (v >= 5) {
            assertEquals("classic", listed.groupType());
        }
    }

    private static DescribeGroupsResponseData.DescribedGroup describe(RawKafkaSocket socket, String group) {
        return describeAt(socket, group, ApiKeys.DESCRIBE_GROUPS.latestVersion());
    }

    private static DescribeGroupsResponseData.DescribedGroup describeAt(RawKafkaSocket socket, String group, short v) {
        DescribeGroupsResponseData data = ((DescribeGroupsResponse)
                        socket.send(new DescribeGroupsRequestData().setGroups(List.of(group)), v))
                .data();
        DescribeGroupsResponseData.DescribedGroup described = data.groups().get(0);
        assertEquals(Errors.NONE.code(), described.errorCode());
        return described;
    }

    private static void describeGroups(VersionFixture f, RawKafkaSocket socket, short v) {
        Member m = joinAndSync(socket, f.fresh("vv-describe"));
        DescribeGroupsResponseData.DescribedGroup g = describeAt(socket, m.group(), v);
        assertEquals("Stable", g.groupState());
        assertEquals("consumer", g.protocolType());
        assertEquals("range", g.protocolData());
        assertEquals(1, g.members().size());
        assertEquals(m.memberId(), g.members().get(0).memberId());
        assertArrayEquals(ASSIGNMENT, g.members().get(0).memberAssignment());
    }

    private static void deleteGroups(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String group = f.fresh("vv-delete-group");
        commit(f, group, 2);
        assertEquals(
                Map.of(Errors.NONE, 1),
                socket.send(new DeleteGroupsRequestData().setGroupsNames(List.of(group)), v)
                        .errorCounts());
        assertTrue(f.admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .isEmpty());
        assertEquals(
                Map.of(Errors.GROUP_ID_NOT_FOUND, 1),
                socket.send(new DeleteGroupsRequestData().setGroupsNames(List.of(group)), v)
                        .errorCounts());
    }

    private static void offsetDelete(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String group = f.fresh("vv-offset-delete");
        commit(f, group, 3);
        OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics =
                new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
        topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic()
                .setName(TOPIC)
                .setPartitions(
                        List.of(new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
        assertEquals(
                Map.of(Errors.NONE, 2), // the group's error and the partition's
                socket.send(new OffsetDeleteRequestData().setGroupId(group).setTopics(topics), v)
                        .errorCounts());
        assertTrue(f.admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .isEmpty());
    }
}
