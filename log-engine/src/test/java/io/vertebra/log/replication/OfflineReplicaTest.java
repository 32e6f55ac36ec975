package io.vertebra.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.Broker;
import java.io.RandomAccessFile;
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
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.EligibleLeadersNotAvailableException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, finding 7 in a cluster: a broker that cannot open the log of a replica it is given keeps running, marks
 * that replica offline and leaves its ISR, handing the leadership it was given to an in-sync replica that can serve,
 * so the partition stays writable and readable. Deleting a topic whose logs are offline clears them (its quarantined
 * segments are kept aside, never deleted), so a topic created again under the same name opens normally.
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

    @Test
    void anUncleanElectionDoesNotPickAReplicaWhoseLogIsOffline() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 3, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            Files.writeString(dir.resolve("node-1/log/lastcopy-0"), "not a directory");
            admin.createTopics(List.of(new NewTopic("lastcopy", Map.of(0, List.of(1, 2)))
                            .configs(Map.of("unclean.leader.election.enable", "true"))))
                    .all()
                    .get();
            Awaitility.await("broker 1 reports its replica offline and leaves the ISR")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> {
                        var p = describe(admin, "lastcopy").partitions().get(0);
                        return p.leader().id() == 2 && p.isr().size() == 1;
                    });
            // the only replica that can serve goes away; the live one left cannot serve, unclean election or not
            cluster.stopBroker(2);
            Awaitility.await("broker 2 loses the leadership and nobody gets it")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> {
                        var leader =
                                describe(admin, "lastcopy").partitions().get(0).leader();
                        return leader == null || leader.isEmpty();
                    });
            TopicPartition tp = new TopicPartition("lastcopy", 0);
            Throwable refused = admin.electLeaders(ElectionType.UNCLEAN, Set.of(tp))
                    .partitions()
                    .get()
                    .get(tp)
                    .orElse(null);
            assertInstanceOf(EligibleLeadersNotAvailableException.class, refused, String.valueOf(refused));
            assertTrue(refused.getMessage().contains("offline on broker(s) [1]"), refused.getMessage());
            assertTrue(describe(admin, "lastcopy").partitions().get(0).leader() == null
                    || describe(admin, "lastcopy").partitions().get(0).leader().isEmpty());
        }
    }

    @Test
    void deletingATopicClearsItsOfflineLogsKeepsItsQuarantinedSegmentsAndTheNameCanBeUsedAgain() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 1, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("doomed", 2, (short) 1)))
                    .all()
                    .get();
            try (KafkaProducer<String, String> producer = ReplicationTest.producer(cluster.bootstrap())) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>("doomed", 0, null, "value-" + i))
                            .get();
                }
                producer.send(new ProducerRecord<>("doomed", 1, null, "old")).get();
            }
            cluster.stopBroker(1);
            Path logDir = dir.resolve("node-1/log");
            Files.delete(logDir.resolve(".clean-shutdown")); // as after a kill
            flipByteInBatch(logDir.resolve("doomed-0/00000000000000000000.log"), 10);
            // doomed-1 cannot be opened at all: a file holds its directory's name
            try (var files = Files.walk(logDir.resolve("doomed-1"))) {
                for (Path file :
                        files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
            Files.writeString(logDir.resolve("doomed-1"), "not a directory");
            cluster.startBroker(1);
            Broker broker = cluster.broker(1);
            TopicPartition corrupt = new TopicPartition("doomed", 0);
            TopicPartition unopenable = new TopicPartition("doomed", 1);
            Awaitility.await("both partitions offline")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> broker.offlineLogs().keySet().equals(Set.of(corrupt, unopenable)));

            admin.deleteTopics(List.of("doomed")).all().get();
            Awaitility.await("the offline entries go with the topic")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> broker.offlineLogs().isEmpty());
            assertFalse(Files.exists(logDir.resolve("doomed-0")), "the deleted topic's log is deleted");
            assertFalse(Files.exists(logDir.resolve("doomed-1")), "the deleted topic's log is deleted");
            List<Path> aside;
            try (var entries = Files.list(logDir)) {
                aside = entries.filter(p -> p.getFileName().toString().startsWith("doomed-0-")
                                && p.getFileName().toString().endsWith(".stray"))
                        .toList();
            }
            assertEquals(1, aside.size(), "the quarantined segments are kept aside: " + aside);
            assertTrue(Files.readString(aside.get(0).resolve("QUARANTINED")).contains("doomed-0"));
            try (var kept = Files.walk(aside.get(0).resolve("quarantine"))) {
                assertTrue(
                        kept.anyMatch(p -> p.getFileName().toString().equals("00000000000000000000.log")),
                        "the corrupt segment is among the kept files");
            }

            admin.createTopics(List.of(new NewTopic("doomed", 2, (short) 1)))
                    .all()
                    .get();
            try (KafkaProducer<String, String> producer = ReplicationTest.producer(cluster.bootstrap())) {
                for (int partition = 0; partition < 2; partition++) {
                    producer.send(new ProducerRecord<>("doomed", partition, null, "new-" + partition))
                            .get();
                }
            }
            assertEquals(List.of("new-0"), ReplicationTest.consumeAll(cluster.bootstrap(), corrupt, 1));
            assertEquals(List.of("new-1"), ReplicationTest.consumeAll(cluster.bootstrap(), unopenable, 1));
            assertEquals(Map.of(), broker.offlineLogs());
        }
    }

    /** Flips a byte in the records of the {@code index}-th batch of a segment (covered by its CRC). */
    private static void flipByteInBatch(Path segment, int index) throws Exception {
        long position = 0;
        try (var records = org.apache.kafka.common.record.internal.FileRecords.open(segment.toFile())) {
            int i = 0;
            for (var batch : records.batches()) {
                if (i++ == index) {
                    break;
                }
                position += batch.sizeInBytes();
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(position + 70);
            int b = f.read();
            f.seek(position + 70);
            f.write(b ^ 0x5A);
        }
    }

    private static TopicDescription describe(Admin admin) throws Exception {
        return describe(admin, "unopenable");
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }
}
