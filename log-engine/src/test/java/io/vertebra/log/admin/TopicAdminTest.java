package io.vertebra.log.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CreateTopics, DeleteTopics, CreatePartitions and describeTopics (DescribeTopicPartitions) through the admin client. */
class TopicAdminTest {
    @TempDir
    static Path dir;

    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() {
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
        admin = broker.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static Throwable failure(org.apache.kafka.common.KafkaFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        return e.getCause();
    }

    @Test
    void createTopicsAndTheirErrors() throws Exception {
        admin.createTopics(List.of(new NewTopic("created", 4, (short) 1).configs(Map.of("retention.ms", "1000"))))
                .all()
                .get();
        TopicDescription created =
                admin.describeTopics(List.of("created")).allTopicNames().get().get("created");
        assertEquals(4, created.partitions().size());

        Throwable exists = failure(admin.createTopics(List.of(new NewTopic("created", 1, (short) 1)))
                .all());
        assertInstanceOf(TopicExistsException.class, exists);

        Throwable badName = failure(admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1)))
                .all());
        assertInstanceOf(InvalidTopicException.class, badName);

        Throwable unknownConfig = failure(
                admin.createTopics(List.of(new NewTopic("c1", 1, (short) 1).configs(Map.of("retention.bogus", "1"))))
                        .all());
        assertInstanceOf(InvalidConfigurationException.class, unknownConfig);
        assertTrue(unknownConfig.getMessage().contains("retention.bogus"), unknownConfig.getMessage());

        Throwable badValue = failure(
                admin.createTopics(List.of(new NewTopic("c2", 1, (short) 1).configs(Map.of("retention.ms", "soon"))))
                        .all());
        assertInstanceOf(InvalidConfigurationException.class, badValue);
        assertTrue(
                badValue.getMessage().contains("retention.ms")
                        && badValue.getMessage().contains("soon"),
                badValue.getMessage());

        Throwable tooMany = failure(admin.createTopics(List.of(new NewTopic("huge", 2_000_000, (short) 1)))
                .all());
        assertInstanceOf(PolicyViolationException.class, tooMany);
        assertFalse(admin.listTopics().names().get().contains("huge"));
    }

    @Test
    void deleteTopicsByNameAndById() throws Exception {
        admin.createTopics(List.of(new NewTopic("by-name", 2, (short) 1), new NewTopic("by-id", 1, (short) 1)))
                .all()
                .get();
        Uuid id = admin.describeTopics(List.of("by-id"))
                .allTopicNames()
                .get()
                .get("by-id")
                .topicId();

        admin.deleteTopics(TopicCollection.ofTopicNames(List.of("by-name")))
                .all()
                .get();
        admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id))).all().get();
        Set<String> names = admin.listTopics().names().get();
        assertFalse(names.contains("by-name"), names.toString());
        assertFalse(names.contains("by-id"), names.toString());
        assertFalse(broker.dataDir().resolve("log/by-name-0").toFile().exists(), "the log directory is deleted");

        assertInstanceOf(
                UnknownTopicOrPartitionException.class,
                failure(admin.deleteTopics(List.of("by-name")).all()));
        assertInstanceOf(
                UnknownTopicIdException.class,
                failure(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(id)))
                        .all()));

        // the same name again is a new, empty topic
        admin.createTopics(List.of(new NewTopic("by-name", 1, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = broker.producer(Map.of())) {
            RecordMetadata first =
                    producer.send(new ProducerRecord<>("by-name", "k", "v")).get();
            assertEquals(0, first.offset());
        }
    }

    @Test
    void deleteTopicsAnswersEachTopicOnItsOwn() {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(10_000);
            data.topics().add(new DeleteTopicState().setName("never-existed"));
            data.topics().add(new DeleteTopicState().setName("x").setTopicId(Uuid.randomUuid()));
            data.topics().add(new DeleteTopicState());
            DeleteTopicsResponse response = socket.send(new DeleteTopicsRequest.Builder(data).build((short) 6));
            Map<Errors, Long> errors = response.data().responses().stream()
                    .collect(Collectors.groupingBy(r -> Errors.forCode(r.errorCode()), Collectors.counting()));
            assertEquals(Map.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, 1L, Errors.INVALID_REQUEST, 2L), errors);
        }
    }

    @Test
    void deletionDisabled(@TempDir Path other) throws Exception {
        try (TestBroker noDelete = TestBroker.start(other, Map.of("delete.topic.enable", "false"));
                Admin client = noDelete.admin()) {
            client.createTopics(List.of(new NewTopic("kept", 1, (short) 1)))
                    .all()
                    .get();
            Throwable error = failure(client.deleteTopics(List.of("kept")).all());
            assertInstanceOf(TopicDeletionDisabledException.class, error);
            assertTrue(client.listTopics().names().get().contains("kept"));
        }
    }

    @Test
    void createPartitionsGrowsATopic() throws Exception {
        admin.createTopics(List.of(new NewTopic("growing", 2, (short) 1))).all().get();

        admin.createPartitions(
                        Map.of("growing", NewPartitions.increaseTo(5)),
                        new CreatePartitionsOptions().validateOnly(true))
                .all()
                .get();
        assertEquals(2, partitionCount("growing"), "validateOnly changes nothing");

        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(5)))
                .all()
                .get();
        assertEquals(5, partitionCount("growing"));
        try (KafkaProducer<String, String> producer = broker.producer(Map.of())) {
            assertEquals(
                    4,
                    producer.send(new ProducerRecord<>("growing", 4, "k", "v"))
                            .get()
                            .partition());
        }

        Throwable same = failure(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(5)))
                .all());
        assertInstanceOf(InvalidPartitionsException.class, same);
        assertTrue(same.getMessage().contains("5"), same.getMessage());
        assertInstanceOf(
                InvalidPartitionsException.class,
                failure(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3)))
                        .all()));
        assertInstanceOf(
                UnknownTopicOrPartitionException.class,
                failure(admin.createPartitions(Map.of("no-such-topic", NewPartitions.increaseTo(3)))
                        .all()));
        assertInstanceOf(
                InvalidReplicaAssignmentException.class,
                failure(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(7, List.of(List.of(1)))))
                        .all()));
        assertInstanceOf(
                InvalidReplicaAssignmentException.class,
                failure(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(6, List.of(List.of(42)))))
                        .all()));
        assertInstanceOf(
                PolicyViolationException.class,
                failure(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(1_000_000)))
                        .all()));
        assertEquals(5, partitionCount("growing"));
    }

    @Test
    void describeTopicsPagesThroughManyPartitions() throws Exception {
        admin.createTopics(List.of(
                        new NewTopic("paged-a", 7, (short) 1),
                        new NewTopic("paged-b", 3, (short) 1),
                        new NewTopic("paged-c", 5, (short) 1)))
                .all()
                .get();
        Map<String, TopicDescription> described = admin.describeTopics(
                        List.of("paged-c", "paged-a", "paged-b"),
                        new DescribeTopicsOptions().partitionSizeLimitPerResponse(2))
                .allTopicNames()
                .get();
        assertEquals(7, described.get("paged-a").partitions().size());
        assertEquals(3, described.get("paged-b").partitions().size());
        assertEquals(5, described.get("paged-c").partitions().size());
        for (TopicDescription d : described.values()) {
            for (int i = 0; i < d.partitions().size(); i++) {
                TopicPartitionInfo p = d.partitions().get(i);
                assertEquals(i, p.partition());
                assertEquals(1, p.leader().id());
                assertEquals(List.of(1), p.isr().stream().map(n -> n.id()).toList());
            }
        }
        assertInstanceOf(
                UnknownTopicOrPartitionException.class,
                failure(admin.describeTopics(List.of("paged-z")).allTopicNames()));
    }

    @Test
    void describeTopicPartitionsCursorOnTheWire() throws Exception {
        admin.createTopics(List.of(new NewTopic("wire-a", 3, (short) 1), new NewTopic("wire-b", 2, (short) 1)))
                .all()
                .get();
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            DescribeTopicPartitionsRequestData data =
                    new DescribeTopicPartitionsRequestData().setResponsePartitionLimit(4);
            data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName("wire-b"));
            data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName("wire-a"));
            data.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName("wire-0-missing"));
            DescribeTopicPartitionsResponse first =
                    socket.send(new DescribeTopicPartitionsRequest.Builder(data).build((short) 0));
            List<String> order =
                    first.data().topics().stream().map(t -> t.name()).toList();
            assertEquals(List.of("wire-0-missing", "wire-a", "wire-b"), order);
            assertEquals(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    first.data().topics().find("wire-0-missing").errorCode());
            assertEquals(3, first.data().topics().find("wire-a").partitions().size());
            assertEquals(1, first.data().topics().find("wire-b").partitions().size());
            assertEquals("wire-b", first.data().nextCursor().topicName());
            assertEquals(1, first.data().nextCursor().partitionIndex());

            data.setCursor(new DescribeTopicPartitionsRequestData.Cursor()
                    .setTopicName("wire-b")
                    .setPartitionIndex(1));
            DescribeTopicPartitionsResponse second =
                    socket.send(new DescribeTopicPartitionsRequest.Builder(data).build((short) 0));
            assertEquals(
                    List.of("wire-b"),
                    second.data().topics().stream().map(t -> t.name()).toList());
            assertEquals(
                    1, second.data().topics().find("wire-b").partitions().get(0).partitionIndex());
            assertEquals(null, second.data().nextCursor());

            data.setCursor(new DescribeTopicPartitionsRequestData.Cursor()
                    .setTopicName("wire-q")
                    .setPartitionIndex(0));
            DescribeTopicPartitionsResponse badCursor =
                    socket.send(new DescribeTopicPartitionsRequest.Builder(data).build((short) 0));
            assertTrue(
                    badCursor.data().topics().stream().allMatch(t -> t.errorCode() == Errors.INVALID_REQUEST.code()));
        }
    }

    private static int partitionCount(String topic) throws Exception {
        return admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .size();
    }
}
