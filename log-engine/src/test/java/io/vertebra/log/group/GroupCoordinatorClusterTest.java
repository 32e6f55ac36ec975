package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.replication.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers: {@code __consumer_offsets} is created replicated on all of them, only the leader of a group's
 * partition coordinates it, and when that broker stops, the new leader loads the group and its committed
 * offsets.
 */
class GroupCoordinatorClusterTest {
    private static final String TOPIC = "shipments";
    private static final String GROUP = "warehouse";

    @TempDir
    Path dir;

    private static KafkaConsumer<String, String> consumer(String bootstrap, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putAll(GroupTestSettings.member(GROUP, clientId));
        return new KafkaConsumer<>(p);
    }

    @Test
    void theGroupAndItsOffsetsMoveToTheNewLeaderOfItsOffsetsPartition() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, GroupTestSettings.fastGroups());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            // a broker starved of CPU on a loaded machine may be fenced for a moment (1.5 s sessions): then RF=3 is
            // refused as Kafka would; the test is about the group, so it waits that out
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(60))
                    .ignoreExceptionsInstanceOf(java.util.concurrent.ExecutionException.class)
                    .until(() -> {
                        admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 3)))
                                .all()
                                .get(60, TimeUnit.SECONDS);
                        return true;
                    });
            Properties producerSettings = new Properties();
            producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap());
            producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
            producerSettings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            producerSettings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerSettings)) {
                for (int i = 0; i < 60; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, i % 3, "k" + i, "v" + i))
                            .get();
                }
            }

            Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
            try (KafkaConsumer<String, String> first = consumer(cluster.bootstrap(), "first")) {
                first.subscribe(List.of(TOPIC));
                Awaitility.await("assigned")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            first.poll(Duration.ofMillis(100));
                            return first.assignment().size() == 3;
                        });
                for (int p = 0; p < 3; p++) {
                    committed.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(15));
                }
                first.commitSync(committed);
            }

            TopicDescription offsets = admin.describeTopics(List.of(Topic.GROUP_METADATA_TOPIC_NAME))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(Topic.GROUP_METADATA_TOPIC_NAME);
            assertEquals(3, offsets.partitions().size());
            offsets.partitions().forEach(p -> assertEquals(3, p.replicas().size(), "replicated on every broker"));
            int coordinator = admin.describeConsumerGroups(List.of(GROUP))
                    .describedGroups()
                    .get(GROUP)
                    .get(30, TimeUnit.SECONDS)
                    .coordinator()
                    .id();
            int partition = Math.abs(GROUP.hashCode()) % 3;
            assertEquals(
                    offsets.partitions().get(partition).leader().id(),
                    coordinator,
                    "the coordinator is the leader of the group's offsets partition");

            cluster.stopBroker(coordinator);

            Awaitility.await("a new coordinator with the committed offsets")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> admin.listConsumerGroupOffsets(GROUP)
                            .partitionsToOffsetAndMetadata()
                            .get(10, TimeUnit.SECONDS)
                            .equals(committed));
            int newCoordinator = admin.describeConsumerGroups(List.of(GROUP))
                    .describedGroups()
                    .get(GROUP)
                    .get(30, TimeUnit.SECONDS)
                    .coordinator()
                    .id();
            assertNotEquals(coordinator, newCoordinator);

            try (KafkaConsumer<String, String> second = consumer(cluster.bootstrap(), "second")) {
                second.subscribe(List.of(TOPIC));
                Set<String> values = new HashSet<>();
                Awaitility.await("the records after the committed offsets")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            for (ConsumerRecord<String, String> r : second.poll(Duration.ofMillis(100))) {
                                assertTrue(r.offset() >= 15, "read below the committed offset: " + r);
                                values.add(r.value());
                            }
                            return values.size() == 15;
                        });
                second.commitSync();
            }
            assertEquals(
                    20,
                    admin.listConsumerGroupOffsets(GROUP)
                            .partitionsToOffsetAndMetadata()
                            .get(30, TimeUnit.SECONDS)
                            .get(new TopicPartition(TOPIC, 0))
                            .offset());
        }
    }
}
