package io.vertebra.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplicationTest {
    @TempDir
    Path dir;

    static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static List<String> consumeAll(String bootstrap, TopicPartition tp, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    @Test
    void threeBrokersReplicateAndSurviveALeaderStop() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3)))
                    .all()
                    .get();
            TopicPartition tp = new TopicPartition("replicated", 0);
            Awaitility.await("all replicas in sync")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        TopicDescription d = admin.describeTopics(List.of("replicated"))
                                .allTopicNames()
                                .get()
                                .get("replicated");
                        return d.partitions().get(0).isr().size() == 3;
                    });
            try (KafkaProducer<String, String> producer = producer(cluster.bootstrap())) {
                for (int i = 0; i < 500; i++) {
                    producer.send(new ProducerRecord<>("replicated", 0, null, "a" + i))
                            .get();
                }
                int leader = admin.describeTopics(List.of("replicated"))
                        .allTopicNames()
                        .get()
                        .get("replicated")
                        .partitions()
                        .get(0)
                        .leader()
                        .id();
                cluster.stopBroker(leader);
                for (int i = 0; i < 500; i++) {
                    producer.send(new ProducerRecord<>("replicated", 0, null, "b" + i))
                            .get();
                }
                int newLeader = admin.describeTopics(List.of("replicated"))
                        .allTopicNames()
                        .get()
                        .get("replicated")
                        .partitions()
                        .get(0)
                        .leader()
                        .id();
                assertTrue(newLeader != leader, "leadership moved from " + leader);
            }
            List<String> values = consumeAll(cluster.bootstrap(), tp, 1000);
            assertEquals(1000, values.size());
            assertEquals("a0", values.get(0));
            assertEquals("b499", values.get(999));
        }
    }

    @Test
    void aRestartedFollowerKeepsItsLogsAndMovesAsideOnlyTrueStrays() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("kept", 1, (short) 3)))
                    .all()
                    .get();
            try (KafkaProducer<String, String> producer = producer(cluster.bootstrap())) {
                for (int i = 0; i < 200; i++) {
                    producer.send(new ProducerRecord<>("kept", 0, null, "v" + i))
                            .get();
                }
            }
            Awaitility.await("all replicas in sync")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> admin.describeTopics(List.of("kept"))
                                    .allTopicNames()
                                    .get()
                                    .get("kept")
                                    .partitions()
                                    .get(0)
                                    .isr()
                                    .size()
                            == 3);
            int leader = admin.describeTopics(List.of("kept"))
                    .allTopicNames()
                    .get()
                    .get("kept")
                    .partitions()
                    .get(0)
                    .leader()
                    .id();
            int follower = leader == 3 ? 2 : 3;
            cluster.stopBroker(follower);
            Path logDir = dir.resolve("node-" + follower + "/log");
            Path stray = java.nio.file.Files.createDirectories(logDir.resolve("gone-0"));
            java.nio.file.Files.writeString(stray.resolve("00000000000000000000.log"), "");

            // on restart the broker replays the metadata log from its start, where "kept" does not exist yet
            cluster.startBroker(follower);
            List<String> entries;
            try (var list = java.nio.file.Files.list(logDir)) {
                entries = list.map(p -> p.getFileName().toString()).sorted().toList();
            }
            assertTrue(entries.contains("kept-0"), "the replica's log stays where it is: " + entries);
            assertTrue(
                    entries.stream().noneMatch(e -> e.startsWith("kept-0-")),
                    "a live replica is never moved aside: " + entries);
            assertTrue(
                    entries.stream().anyMatch(e -> e.startsWith("gone-0-") && e.endsWith(".stray")),
                    "a directory no topic owns is moved aside: " + entries);
            assertTrue(!entries.contains("gone-0"), entries.toString());
        }
    }

    @Test
    void aFollowerFetchingInSmallResponsesServesEveryBatchIntactOnceItLeads() throws Exception {
        // responses of at most 3 kB cut most batches of ~2 kB in two: the follower must keep only whole ones
        try (TestCluster cluster = TestCluster.start(dir, 2, Map.of("replica.fetch.max.bytes", "3000"));
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("small-fetches", 1, (short) 2)))
                    .all()
                    .get();
            TopicPartition tp = new TopicPartition("small-fetches", 0);
            Properties p = new Properties();
            p.put("bootstrap.servers", cluster.bootstrap());
            p.put("acks", "all");
            p.put("linger.ms", "5");
            p.put("batch.size", "2048");
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", StringSerializer.class.getName());
            String padding = "x".repeat(90);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                for (int i = 0; i < 3000; i++) {
                    producer.send(new ProducerRecord<>("small-fetches", 0, null, i + padding));
                }
                producer.flush();
            }
            Awaitility.await("both replicas in sync")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> admin.describeTopics(List.of("small-fetches"))
                                    .allTopicNames()
                                    .get()
                                    .get("small-fetches")
                                    .partitions()
                                    .get(0)
                                    .isr()
                                    .size()
                            == 2);
            int leader = admin.describeTopics(List.of("small-fetches"))
                    .allTopicNames()
                    .get()
                    .get("small-fetches")
                    .partitions()
                    .get(0)
                    .leader()
                    .id();
            cluster.stopBroker(leader); // the follower's copy is all that is left to read
            List<String> values = consumeAll(cluster.bootstrap(), tp, 3000);
            assertEquals(3000, values.size());
            for (int i = 0; i < 3000; i++) {
                assertEquals(i + padding, values.get(i));
            }
        }
    }
}
