package io.vertebra.log.protocol;

import static io.vertebra.log.protocol.VersionFixture.RECORDS;
import static io.vertebra.log.protocol.VersionFixture.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.requests.ElectLeadersResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/** The admin APIs: topics, partitions, configs, records, the cluster and its log directories. */
final class AdminCases {
    private AdminCases() {}

    static Map<ApiKeys, VersionCase> all() {
        Map<ApiKeys, VersionCase> cases = new EnumMap<>(ApiKeys.class);
        cases.put(ApiKeys.CREATE_TOPICS, AdminCases::createTopics);
        cases.put(ApiKeys.DELETE_TOPICS, AdminCases::deleteTopics);
        cases.put(ApiKeys.CREATE_PARTITIONS, AdminCases::createPartitions);
        cases.put(ApiKeys.DESCRIBE_CONFIGS, AdminCases::describeConfigs);
        cases.put(ApiKeys.ALTER_CONFIGS, AdminCases::alterConfigs);
        cases.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, AdminCases::incrementalAlterConfigs);
        cases.put(ApiKeys.DESCRIBE_CLUSTER, AdminCases::describeCluster);
        cases.put(ApiKeys.DELETE_RECORDS, AdminCases::deleteRecords);
        cases.put(ApiKeys.DESCRIBE_LOG_DIRS, AdminCases::describeLogDirs);
        cases.put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, AdminCases::offsetForLeaderEpoch);
        cases.put(ApiKeys.DESCRIBE_PRODUCERS, AdminCases::describeProducers);
        cases.put(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, AdminCases::describeTopicPartitions);
        cases.put(ApiKeys.ELECT_LEADERS, AdminCases::electLeaders);
        cases.put(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, AdminCases::alterPartitionReassignments);
        cases.put(ApiKeys.LIST_PARTITION_REASSIGNMENTS, AdminCases::listPartitionReassignments);
        return cases;
    }

    private static void createTopics(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String name = f.fresh("vv-create");
        CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(10_000);
        request.topics()
                .add(new CreateTopicsRequestData.CreatableTopic()
                        .setName(name)
                        .setNumPartitions(3)
                        .setReplicationFactor((short) 1));
        CreateTopicsResponseData.CreatableTopicResult result =
                ((CreateTopicsResponse) socket.send(request, v)).data().topics().find(name);
        assertEquals(Errors.NONE.code(), result.errorCode(), "error " + Errors.forCode(result.errorCode()));
        if (v >= 5) {
            assertEquals(3, result.numPartitions());
            assertEquals(1, result.replicationFactor());
            assertFalse(result.configs().isEmpty(), "v5+ returns the topic's configs");
        }
        if (v >= 7) {
            assertNotEquals(Uuid.ZERO_UUID, result.topicId());
        }
        assertEquals(
                3,
                f.admin
                        .describeTopics(List.of(name))
                        .allTopicNames()
                        .get()
                        .get(name)
                        .partitions()
                        .size());
    }

    private static void deleteTopics(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String name = f.fresh("vv-delete");
        f.admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        DeleteTopicsRequestData request = new DeleteTopicsRequestData().setTimeoutMs(10_000);
        if (v >= 6) {
            request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
        } else {
            request.topicNames().add(name);
        }
        assertEquals(Map.of(Errors.NONE, 1), socket.send(request, v).errorCounts());
        assertFalse(f.admin.listTopics().names().get().contains(name), name + " deleted");
        request = new DeleteTopicsRequestData().setTimeoutMs(10_000);
        if (v >= 6) {
            request.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
        } else {
            request.topicNames().add(name);
        }
        assertEquals(
                Map.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, 1),
                socket.send(request, v).errorCounts());
    }

    private static void createPartitions(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String name = f.fresh("vv-grow");
        f.admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        CreatePartitionsRequestData request = new CreatePartitionsRequestData().setTimeoutMs(10_000);
        request.topics()
                .add(new CreatePartitionsRequestData.CreatePartitionsTopic()
                        .setName(name)
                        .setCount(2)
                        .setAssignments(null));
        assertEquals(Map.of(Errors.NONE, 1), socket.send(request, v).errorCounts());
        assertEquals(
                2,
                f.admin
                        .describeTopics(List.of(name))
                        .allTopicNames()
                        .get()
                        .get(name)
                        .partitions()
                        .size());
        // the same count again is not an increase
        assertEquals(
                Map.of(Errors.INVALID_PARTITIONS, 1), socket.send(request, v).errorCounts());
    }

    private static void describeConfigs(VersionFixture f, RawKafkaSocket socket, short v) {
        DescribeConfigsRequestData request = new DescribeConfigsRequestData()
                .setIncludeSynonyms(v >= 1)
                .setIncludeDocumentation(v >= 3)
                .setResources(List.of(
                        new DescribeConfigsRequestData.DescribeConfigsResource()
                                .setResourceType(ConfigResource.Type.TOPIC.id())
                                .setResourceName(TOPIC)
                                .setConfigurationKeys(List.of("cleanup.policy")),
                        new DescribeConfigsRequestData.DescribeConfigsResource()
                                .setResourceType(ConfigResource.Type.BROKER.id())
                                .setResourceName(Integer.toString(f.brokerId))
                                .setConfigurationKeys(null)));
        DescribeConfigsResponseData data = ((DescribeConfigsResponse) socket.send(request, v)).data();
        assertEquals(2, data.results().size());
        DescribeConfigsResponseData.DescribeConfigsResult topic = data.results().get(0);
        assertEquals(Errors.NONE.code(), topic.errorCode());
        assertEquals(1, topic.configs().size());
        assertEquals("cleanup.policy", topic.configs().get(0).name());
        assertEquals("delete", topic.configs().get(0).value());
        assertEquals(Errors.NONE.code(), data.results().get(1).errorCode());
        assertTrue(data.results().get(1).configs().size() > 10, "broker configs");
    }

    private static void alterConfigs(VersionFixture f, RawKafkaSocket socket, short v) {
        assertEquals(
                Map.of(Errors.NONE, 1), socket.send(alterRetention("1000"), v).errorCounts());
        assertEquals(
                Map.of(Errors.INVALID_CONFIG, 1),
                socket.send(alterRetention("x"), v).errorCounts(),
                "a bad value");
    }

    private static AlterConfigsRequestData alterRetention(String value) {
        AlterConfigsRequestData request = new AlterConfigsRequestData().setValidateOnly(true);
        AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName(TOPIC);
        resource.configs()
                .add(new AlterConfigsRequestData.AlterableConfig()
                        .setName("retention.ms")
                        .setValue(value));
        request.resources().add(resource);
        return request;
    }

    private static void incrementalAlterConfigs(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String name = f.fresh("vv-config");
        f.admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        IncrementalAlterConfigsRequestData request = new IncrementalAlterConfigsRequestData().setValidateOnly(false);
        IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id())
                        .setResourceName(name);
        resource.configs()
                .add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                        .setName("retention.ms")
                        .setConfigOperation((byte) 0)
                        .setValue("123456"));
        request.resources().add(resource);
        assertEquals(Map.of(Errors.NONE, 1), socket.send(request, v).errorCounts());
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, name);
        assertEquals(
                "123456",
                f.admin
                        .describeConfigs(List.of(topic))
                        .all()
                        .get()
                        .get(topic)
                        .get("retention.ms")
                        .value());
    }

    private static void describeCluster(VersionFixture f, RawKafkaSocket socket, short v) {
        DescribeClusterResponseData data =
                ((DescribeClusterResponse) socket.send(new DescribeClusterRequestData(), v)).data();
        assertEquals(Errors.NONE.code(), data.errorCode());
        assertEquals(f.brokerId, data.controllerId());
        assertEquals(1, data.brokers().size());
        assertEquals(f.port(), data.brokers().iterator().next().port());
    }

    private static void deleteRecords(VersionFixture f, RawKafkaSocket socket, short v) throws Exception {
        String name = f.fresh("vv-trim");
        f.admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        DeleteRecordsRequestData request = new DeleteRecordsRequestData()
                .setTimeoutMs(10_000)
                .setTopics(List.of(new DeleteRecordsRequestData.DeleteRecordsTopic()
                        .setName(name)
                        .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                                .setPartitionIndex(0)
                                .setOffset(-1)))));
        DeleteRecordsResponseData.DeleteRecordsPartitionResult result = ((DeleteRecordsResponse)
                        socket.send(request, v))
                .data()
                .topics()
                .find(name)
                .partitions()
                .find(0);
        assertEquals(Errors.NONE.code(), result.errorCode());
        assertEquals(0, result.lowWatermark(), "an empty partition: up to its end, 0");
    }

    private static void describeLogDirs(VersionFixture f, RawKafkaSocket socket, short v) {
        DescribeLogDirsResponseData data =
                ((DescribeLogDirsResponse) socket.send(new DescribeLogDirsRequestData().setTopics(null), v)).data();
        assertEquals(1, data.results().size());
        DescribeLogDirsResponseData.DescribeLogDirsResult dir = data.results().get(0);
        assertEquals(Errors.NONE.code(), dir.errorCode());
        DescribeLogDirsResponseData.DescribeLogDirsTopic topic = dir.topics().stream()
                .filter(t -> t.name().equals(TOPIC))
                .findFirst()
                .orElseThrow(() -> new AssertionError(TOPIC + " not in " + dir));
        assertEquals(2, topic.partitions().size());
        assertTrue(topic.partitions().stream().allMatch(p -> p.partitionSize() > 0 || p.partitionIndex() == 1));
        if (v >= 4) {
            assertTrue(dir.totalBytes() > 0, "v4+ carries the directory's size");
        }
    }

    private static void offsetForLeaderEpoch(VersionFixture f, RawKafkaSocket socket, short v) {
        OffsetForLeaderEpochRequestData request = new OffsetForLeaderEpochRequestData();
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC);
        topic.partitions()
                .add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                        .setPartition(0)
                        .setCurrentLeaderEpoch(v >= 2 ? 0 : -1)
                        .setLeaderEpoch(0));
        request.topics().add(topic);
        OffsetForLeaderEpochResponseData.EpochEndOffset end = ((OffsetsForLeaderEpochResponse) socket.send(request, v))
                .data()
                .topics()
                .find(TOPIC)
                .partitions()
                .get(0);
        assertEquals(Errors.NONE.code(), end.errorCode());
        assertEquals(0, end.leaderEpoch());
        assertEquals(RECORDS, end.endOffset());
    }

    private static void describeProducers(VersionFixture f, RawKafkaSocket socket, short v) {
        AbstractResponse response = socket.send(
                new DescribeProducersRequestData()
                        .setTopics(List.of(new DescribeProducersRequestData.TopicRequest()
                                .setName(TOPIC)
                                .setPartitionIndexes(List.of(0)))),
                v);
        assertEquals(Map.of(Errors.NONE, 1), response.errorCounts());
    }

    private static void describeTopicPartitions(VersionFixture f, RawKafkaSocket socket, short v) {
        DescribeTopicPartitionsResponseData data = ((DescribeTopicPartitionsResponse) socket.send(
                        new DescribeTopicPartitionsRequestData()
                                .setTopics(
                                        List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName(TOPIC))),
                        v))
                .data();
        DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic topic =
                data.topics().find(TOPIC);
        assertEquals(Errors.NONE.code(), topic.errorCode());
        assertEquals(f.topicId, topic.topicId());
        assertEquals(2, topic.partitions().size());
    }

    /** On a single node every leader is already the preferred one. */
    private static void electLeaders(VersionFixture f, RawKafkaSocket socket, short v) {
        ElectLeadersRequestData request = new ElectLeadersRequestData().setTimeoutMs(10_000);
        request.topicPartitions()
                .add(new ElectLeadersRequestData.TopicPartitions()
                        .setTopic(TOPIC)
                        .setPartitions(List.of(0)));
        ElectLeadersResponseData data = ((ElectLeadersResponse) socket.send(request, v)).data();
        assertEquals(Errors.NONE.code(), data.errorCode());
        ElectLeadersResponseData.PartitionResult p =
                data.replicaElectionResults().get(0).partitionResult().get(0);
        assertEquals(0, p.partitionId());
        assertEquals(Errors.ELECTION_NOT_NEEDED.code(), p.errorCode());
    }

    private static void alterPartitionReassignments(VersionFixture f, RawKafkaSocket socket, short v) {
        AlterPartitionReassignmentsRequestData request =
                new AlterPartitionReassignmentsRequestData().setTimeoutMs(10_000);
        request.topics()
                .add(new AlterPartitionReassignmentsRequestData.ReassignableTopic()
                        .setName(TOPIC)
                        .setPartitions(List.of(new AlterPartitionReassignmentsRequestData.ReassignablePartition()
                                .setPartitionIndex(0)
                                .setReplicas(null))));
        AlterPartitionReassignmentsResponseData data =
                ((AlterPartitionReassignmentsResponse) socket.send(request, v)).data();
        assertEquals(Errors.NONE.code(), data.errorCode());
        assertEquals(
                Errors.NO_REASSIGNMENT_IN_PROGRESS.code(),
                data.responses().get(0).partitions().get(0).errorCode(),
                "cancelling where nothing moves");
    }

    private static void listPartitionReassignments(VersionFixture f, RawKafkaSocket socket, short v) {
        AbstractResponse response = socket.send(
                new ListPartitionReassignmentsRequestData().setTopics(null).setTimeoutMs(10_000), v);
        assertEquals(Map.of(Errors.NONE, 1), response.errorCounts());
        assertEquals(
                Set.of(),
                Set.copyOf(((org.apache.kafka.common.requests.ListPartitionReassignmentsResponse) response)
                        .data()
                        .topics()));
    }
}
