package io.vertebra.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, finding 7 in a cluster: a broker that cannot open the log of a replica it is given keeps running, marks
 * that replica offline and leaves its ISR, handing the leadership it was given to an in-sync replica that can serve,
 * so the partition stays writable and readable.
 */
class OfflineReplicaTest {
    @TempDir
    Path dir;

    @Test
    void aBrokerThatCannotOpenAReplicasLogLeavesItsIsrAndTheLeadershipMoves() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            // broker 1 cannot create the partition's directory: a file holds its name
            Files.writeString(dir.resolve("node-1/log/unopenable-0"), "not a directory");
            admin.createTopics(List.of(new NewTopic("unopenable", Map.of(0, List.of(1, 2, 3)))))
                    .all()
                    .get();
            Awaitility.await("broker 1 leaves the ISR and the leadership")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> {
                        var p = describe(admin).partitions().get(0);
                        return p.leader() != null
                                && p.leader().id() != 1
                                && p.isr().stream()
                                        .map(Node::id)
                                        .collect(java.util.stream.Collectors.toSet())
                                        .equals(Set.of(2, 3));
                    });
            TopicPartition tp = new TopicPartition("unopenable", 0);
            String reason = cluster.broker(1).offlineLogs().get(tp);
            assertTrue(
                    reason != null && reason.contains("cannot open the log of unopenable-0"), String.valueOf(reason));
            try (KafkaProducer<String, String> producer = ReplicationTest.producer(cluster.bootstrap())) {
                for (int i = 0; i < 50; i++) {
                    producer.send(new ProducerRecord<>("unopenable", 0, null, "v" + i))
                            .get();
                }
            }
            List<String> values = ReplicationTest.consumeAll(cluster.bootstrap(), tp, 50);
            assertEquals(50, values.size());
            assertEquals("v49", values.get(49));
        }
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of("unopenable")).allTopicNames().get().get("unopenable");
    }
}
