package io.vertebra.log.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DescribeCluster, DeleteRecords, DescribeLogDirs, DescribeProducers and OffsetForLeaderEpoch. */
class LogAdminTest {
    @TempDir
    static Path dir;

    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() {
        broker = TestBroker.start(dir);
        admin = broker.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static Throwable failure(Future<?> future) {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    private static void createAndFill(String topic, int records, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs)))
                .all()
                .get();
        try (KafkaProducer<String, String> producer = broker.producer(Map.of("batch.size", 200))) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, "k" + i, "value-" + i)));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        }
    }

    @Test
    void describeCluster() throws Exception {
        DescribeClusterResult cluster =
                admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true));
        List<Node> nodes = new ArrayList<>(cluster.nodes().get());
        assertEquals(1, nodes.size());
        assertEquals(1, nodes.get(0).id());
        assertEquals(
                broker.bootstrap(), nodes.get(0).host() + ":" + nodes.get(0).port());
        assertEquals(1, cluster.controller().get().id());
        assertEquals(broker.broker().clusterId(), cluster.clusterId().get());
        assertTrue(cluster.authorizedOperations().get().contains(AclOperation.DESCRIBE_CONFIGS));
    }

    @Test
    void deleteRecordsMovesTheLogStart() throws Exception {
        createAndFill("trimmed", 100, Map.of("segment.bytes", "1024"));
        TopicPartition tp = new TopicPartition("trimmed", 0);
        assertTrue(segmentBases("trimmed-0").get(1) <= 40, "a whole segment lies below offset 40");

        long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(40)))
                .lowWatermarks()
                .get(tp)
                .get()
                .lowWatermark();
        assertEquals(40, low);
        assertEquals(
                40,
                admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                        .all()
                        .get()
                        .get(tp)
                        .offset());
        List<Long> bases = segmentBases("trimmed-0");
        assertTrue(bases.size() < 2 || bases.get(1) > 40, "whole segments below the log start are deleted: " + bases);
        try (KafkaConsumer<String, String> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            ConsumerRecord<String, String> first = pollOne(consumer);
            assertEquals(40, first.offset());
            assertEquals("value-40", first.value());
        }

        long smaller = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(10)))
                .lowWatermarks()
                .get(tp)
                .get()
                .lowWatermark();
        assertEquals(40, smaller, "the log start never moves back");

        assertInstanceOf(
                OffsetOutOfRangeException.class,
                failure(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(101)))
                        .lowWatermarks()
                        .get(tp)));
        // the admin client retries partitions missing from the metadata until its timeout (as with Kafka), so
        // the broker's answer for one is checked on the wire
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            DeleteRecordsRequestData data = new DeleteRecordsRequestData().setTimeoutMs(5000);
            data.topics()
                    .add(new DeleteRecordsRequestData.DeleteRecordsTopic()
                            .setName("trimmed")
                            .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                                    .setPartitionIndex(3)
                                    .setOffset(1))));
            DeleteRecordsResponse response = socket.send(new DeleteRecordsRequest.Builder(data).build((short) 2));
            assertEquals(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    response.data()
                            .topics()
                            .find("trimmed")
                            .partitions()
                            .find(3)
                            .errorCode());
        }

        long all = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(-1)))
                .lowWatermarks()
                .get(tp)
                .get()
                .lowWatermark();
        assertEquals(100, all, "-1 deletes up to the high watermark");

        broker.restart();
        try (Admin fresh = broker.admin()) {
            assertEquals(
                    100,
                    fresh.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                            .all()
                            .get()
                            .get(tp)
                            .offset());
        }
    }

    @Test
    void deleteRecordsRefusedOnACompactedTopic() throws Exception {
        createAndFill("compacted", 10, Map.of("cleanup.policy", "compact"));
        TopicPartition tp = new TopicPartition("compacted", 0);
        Throwable error = failure(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(5)))
                .lowWatermarks()
                .get(tp));
        assertInstanceOf(PolicyViolationException.class, error);
        assertEquals(
                0,
                admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                        .all()
                        .get()
                        .get(tp)
                        .offset());
    }

    @Test
    void describeLogDirsReportsSizes() throws Exception {
        createAndFill("sized", 50, Map.of());
        Map<String, LogDirDescription> dirs =
                admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
        Path logDir = broker.dataDir().resolve("log").toAbsolutePath().normalize();
        assertEquals(List.of(logDir.toString()), new ArrayList<>(dirs.keySet()));
        LogDirDescription description = dirs.get(logDir.toString());
        ReplicaInfo replica = description.replicaInfos().get(new TopicPartition("sized", 0));
        assertEquals(Files.size(logDir.resolve("sized-0/00000000000000000000.log")), replica.size());
        assertTrue(replica.size() > 50 * 10, "50 records take space: " + replica.size());
        assertEquals(0, replica.offsetLag());
        assertTrue(description.totalBytes().orElse(0) > 0);
        assertTrue(description.usableBytes().orElse(0) > 0);
    }

    @Test
    void describeProducersListsIdempotentProducers() throws Exception {
        admin.createTopics(List.of(new NewTopic("idempotent", 1, (short) 1)))
                .all()
                .get();
        TopicPartition tp = new TopicPartition("idempotent", 0);
        try (KafkaProducer<String, String> producer =
                broker.producer(Map.of("enable.idempotence", true, "linger.ms", 0))) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("idempotent", 0, "k", "v" + i))
                        .get();
            }
        }
        PartitionProducerState state =
                admin.describeProducers(List.of(tp)).partitionResult(tp).get();
        assertEquals(1, state.activeProducers().size());
        ProducerState producer = state.activeProducers().get(0);
        assertTrue(producer.producerId() >= 0);
        assertEquals(0, producer.producerEpoch());
        assertEquals(2, producer.lastSequence());
        assertTrue(producer.lastTimestamp() > 0);
        assertEquals(OptionalLong.empty(), producer.currentTransactionStartOffset());

        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            DescribeProducersRequest.Builder request =
                    new DescribeProducersRequest.Builder(new DescribeProducersRequestData());
            request.addTopic("idempotent").partitionIndexes().add(9);
            DescribeProducersResponse response = socket.send(request.build((short) 0));
            var partition = response.data().topics().get(0).partitions().get(0);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partition.errorCode());
            assertTrue(partition.errorMessage().contains("idempotent-9"), partition.errorMessage());
        }
    }

    @Test
    void offsetForLeaderEpoch() throws Exception {
        createAndFill("epochs", 20, Map.of());
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            EpochEndOffset current = epochEnd(socket, "epochs", 0, 0, 0);
            assertEquals(Errors.NONE.code(), current.errorCode());
            assertEquals(0, current.leaderEpoch());
            assertEquals(20, current.endOffset(), "the current epoch ends at the log end");

            assertEquals(
                    Errors.UNKNOWN_LEADER_EPOCH.code(),
                    epochEnd(socket, "epochs", 0, 3, 0).errorCode());
            assertEquals(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    epochEnd(socket, "epochs", 4, -1, 0).errorCode());
            assertEquals(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    epochEnd(socket, "no-epochs", 0, -1, 0).errorCode());
        }
        // a consumer that seeks with a known epoch validates its position with this API, then reads on
        TopicPartition tp = new TopicPartition("epochs", 0);
        try (KafkaConsumer<String, String> consumer = broker.consumer(Map.of("auto.offset.reset", "none"))) {
            consumer.assign(List.of(tp));
            consumer.seek(tp, new OffsetAndMetadata(15, Optional.of(0), ""));
            assertEquals(15, pollOne(consumer).offset());
        }
    }

    private static EpochEndOffset epochEnd(
            RawKafkaSocket socket, String topic, int partition, int currentLeaderEpoch, int leaderEpoch) {
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection topics =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection();
        OffsetForLeaderTopic t = new OffsetForLeaderTopic().setTopic(topic);
        t.partitions()
                .add(new OffsetForLeaderPartition()
                        .setPartition(partition)
                        .setCurrentLeaderEpoch(currentLeaderEpoch)
                        .setLeaderEpoch(leaderEpoch));
        topics.add(t);
        OffsetsForLeaderEpochResponse response = socket.send(
                OffsetsForLeaderEpochRequest.Builder.forConsumer(topics).build((short) 4));
        return response.data().topics().find(topic).partitions().get(0);
    }

    private static ConsumerRecord<String, String> pollOne(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                return r;
            }
        }
        throw new AssertionError("no record within 30 s");
    }

    /** Base offsets of the partition's live segments, in order. */
    private static List<Long> segmentBases(String partitionDir) throws Exception {
        try (Stream<Path> files = Files.list(broker.dataDir().resolve("log").resolve(partitionDir))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".log"))
                    .map(name -> Long.parseLong(name.substring(0, name.length() - 4)))
                    .sorted()
                    .toList();
        }
    }
}
