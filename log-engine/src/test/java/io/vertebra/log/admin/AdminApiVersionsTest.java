package io.vertebra.log.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every admin API this broker serves, at every version it advertises (the whole range kafka-clients 4.3 knows):
 * each is answered, with the error codes expected, and never breaks the connection (a field a version cannot
 * carry would fail the response's serialization).
 */
class AdminApiVersionsTest {
    @TempDir
    static Path dir;

    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir);
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("vm-topic", 1, (short) 1)))
                    .all()
                    .get();
        }
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private record Case(ApiKeys api, Function<Short, ApiMessage> request, Map<Errors, Integer> expected) {}

    @Test
    void everyVersionOfEveryAdminApi() {
        List<Case> cases = List.of(
                new Case(
                        ApiKeys.DELETE_TOPICS,
                        AdminApiVersionsTest::deleteMissingTopic,
                        Map.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, 1)),
                new Case(ApiKeys.CREATE_PARTITIONS, v -> createPartitions(), Map.of(Errors.INVALID_PARTITIONS, 1)),
                new Case(ApiKeys.DESCRIBE_CONFIGS, AdminApiVersionsTest::describeConfigs, Map.of(Errors.NONE, 2)),
                new Case(ApiKeys.ALTER_CONFIGS, v -> alterConfigs(), Map.of(Errors.NONE, 1)),
                new Case(ApiKeys.INCREMENTAL_ALTER_CONFIGS, v -> incrementalAlterConfigs(), Map.of(Errors.NONE, 1)),
                new Case(ApiKeys.DESCRIBE_CLUSTER, v -> new DescribeClusterRequestData(), Map.of(Errors.NONE, 1)),
                new Case(ApiKeys.DELETE_RECORDS, v -> deleteRecords(), Map.of(Errors.NONE, 1)),
                new Case(
                        ApiKeys.DESCRIBE_LOG_DIRS,
                        v -> new DescribeLogDirsRequestData().setTopics(null),
                        Map.of(Errors.NONE, 2)),
                new Case(ApiKeys.OFFSET_FOR_LEADER_EPOCH, v -> offsetForLeaderEpoch(), Map.of(Errors.NONE, 1)),
                new Case(ApiKeys.DESCRIBE_PRODUCERS, v -> describeProducers(), Map.of(Errors.NONE, 1)),
                new Case(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, v -> describeTopicPartitions(), Map.of(Errors.NONE, 2)));
        List<String> answered = new ArrayList<>();
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            for (Case c : cases) {
                for (short v = c.api().oldestVersion(); v <= c.api().latestVersion(); v++) {
                    AbstractResponse response = socket.send(c.request().apply(v), v);
                    assertEquals(c.expected(), response.errorCounts(), c.api() + " v" + v);
                    answered.add(c.api() + " v" + v);
                }
            }
        }
        assertEquals(35, answered.size(), "versions of the 11 APIs in kafka-clients 4.3: " + answered);
    }

    private static ApiMessage deleteMissingTopic(short version) {
        DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(5000);
        if (version >= 6) {
            data.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("vm-missing"));
        } else {
            data.topicNames().add("vm-missing");
        }
        return data;
    }

    private static ApiMessage createPartitions() {
        CreatePartitionsRequestData data = new CreatePartitionsRequestData().setTimeoutMs(5000);
        data.topics()
                .add(new CreatePartitionsRequestData.CreatePartitionsTopic()
                        .setName("vm-topic")
                        .setCount(1)
                        .setAssignments(null));
        return data;
    }

    private static ApiMessage describeConfigs(short version) {
        return new DescribeConfigsRequestData()
                .setIncludeSynonyms(true)
                .setIncludeDocumentation(version >= 3)
                .setResources(List.of(
                        new DescribeConfigsRequestData.DescribeConfigsResource()
                                .setResourceType(ConfigResource.Type.TOPIC.id())
                                .setResourceName("vm-topic")
                                .setConfigurationKeys(null),
                        new DescribeConfigsRequestData.DescribeConfigsResource()
                                .setResourceType(ConfigResource.Type.BROKER.id())
                                .setResourceName("1")
                                .setConfigurationKeys(null)));
    }

    private static ApiMessage alterConfigs() {
        AlterConfigsRequestData data = new AlterConfigsRequestData().setValidateOnly(true);
        AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType(ConfigResource.Type.TOPIC.id())
                .setResourceName("vm-topic");
        resource.configs()
                .add(new AlterConfigsRequestData.AlterableConfig()
                        .setName("retention.ms")
                        .setValue("1000"));
        data.resources().add(resource);
        return data;
    }

    private static ApiMessage incrementalAlterConfigs() {
        IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(true);
        IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType(ConfigResource.Type.TOPIC.id())
                        .setResourceName("vm-topic");
        resource.configs()
                .add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                        .setName("retention.ms")
                        .setConfigOperation((byte) 0)
                        .setValue("1000"));
        data.resources().add(resource);
        return data;
    }

    private static ApiMessage deleteRecords() {
        return new DeleteRecordsRequestData()
                .setTimeoutMs(5000)
                .setTopics(List.of(new DeleteRecordsRequestData.DeleteRecordsTopic()
                        .setName("vm-topic")
                        .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                                .setPartitionIndex(0)
                                .setOffset(0)))));
    }

    private static ApiMessage offsetForLeaderEpoch() {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData();
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("vm-topic");
        topic.partitions()
                .add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                        .setPartition(0)
                        .setCurrentLeaderEpoch(-1)
                        .setLeaderEpoch(0));
        data.topics().add(topic);
        return data;
    }

    private static ApiMessage describeProducers() {
        return new DescribeProducersRequestData()
                .setTopics(List.of(new DescribeProducersRequestData.TopicRequest()
                        .setName("vm-topic")
                        .setPartitionIndexes(List.of(0))));
    }

    private static ApiMessage describeTopicPartitions() {
        return new DescribeTopicPartitionsRequestData()
                .setTopics(List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName("vm-topic")));
    }
}
