package io.vertebra.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReassignmentTest {
    @TempDir
    Path dir;

    @Test
    void reassignmentMovesReplicasWithoutLosingRecords() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("moving", Map.of(0, List.of(1, 2)))))
                    .all()
                    .get();
            try (KafkaProducer<String, String> producer = ReplicationTest.producer(cluster.bootstrap())) {
                for (int i = 0; i < 300; i++) {
                    producer.send(new ProducerRecord<>("moving", 0, null, "v" + i))
                            .get();
                }
            }
            TopicPartition tp = new TopicPartition("moving", 0);
            admin.alterPartitionReassignments(Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(3, 2)))))
                    .all()
                    .get();
            Awaitility.await("reassignment done")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> admin.listPartitionReassignments()
                            .reassignments()
                            .get()
                            .isEmpty());
            TopicDescription d = admin.describeTopics(List.of("moving"))
                    .allTopicNames()
                    .get()
                    .get("moving");
            assertEquals(
                    List.of(3, 2),
                    d.partitions().get(0).replicas().stream().map(Node::id).toList());
            assertEquals(
                    300,
                    ReplicationTest.consumeAll(cluster.bootstrap(), tp, 300).size());
        }
    }
}
