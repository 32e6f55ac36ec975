package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fourth node joins a running three-node cluster while a producer writes; {@code vertebra partitions
 * rebalance} spreads replicas onto it, {@code partitions decommission} moves them off again, and the Kafka CLI's
 * kafka-topics and kafka-leader-election see the right state. Not a record is lost.
 */
class ClusterGrowthIT {
    private static final String TOPIC = "growing";

    @TempDir
    Path dir;

    static int vertebra(String... args) {
        List<String> command = new ArrayList<>(List.of(
                ProjectLayout.javaBinary().toString(),
                "-Xmx256m",
                "-jar",
                NodeProcess.jar().toString()));
        command.addAll(List.of(args));
        try (ChildProcess cli = ChildProcess.start("vertebra-cli", command, null, Map.of(), null)) {
            int exit = cli.awaitExit(Duration.ofMinutes(5));
            System.out.println(cli.output());
            return exit;
        }
    }

    @Test
    void aFourthNodeJoinsTakesReplicasAndGivesThemBack() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, 4, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 2))).all().get();
            Set<String> acked = new ConcurrentSkipListSet<>();
            AtomicBoolean stop = new AtomicBoolean();
            Properties p = new Properties();
            p.put("bootstrap.servers", cluster.bootstrap());
            p.put("acks", "all");
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", StringSerializer.class.getName());
            Thread writer;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                writer = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String value = "v" + i;
                        producer.send(new ProducerRecord<>(TOPIC, Integer.toString(i), value), (m, e) -> {
                            if (e == null) {
                                acked.add(value);
                            }
                        });
                        if (i % 100 == 0) {
                            producer.flush();
                        }
                    }
                });
                writer.start();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() > 500);

                int added = cluster.addNode();
                Awaitility.await("node " + added + " registered")
                        .atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(() -> admin.describeCluster().nodes().get().size() == 4);

                assertEquals(0, vertebra("partitions", "rebalance", "--bootstrap-server", cluster.bootstrap()));
                assertTrue(replicasOn(admin, added) > 0, "rebalance put replicas on the new node");
                awaitAllInSync(admin);

                // Apache Kafka's kafka-reassign-partitions: --execute a plan, then --verify until it is complete
                java.nio.file.Path plan = dir.resolve("reassignment.json");
                java.nio.file.Files.writeString(
                        plan,
                        "{\"version\":1,\"partitions\":[{\"topic\":\"" + TOPIC + "\",\"partition\":0,\"replicas\":["
                                + added + ",1]}]}");
                KafkaDistribution.run(
                                KafkaDistribution.REASSIGN_PARTITIONS,
                                List.of(
                                        "--bootstrap-server",
                                        cluster.bootstrap(),
                                        "--reassignment-json-file",
                                        plan.toString(),
                                        "--execute"),
                                dir,
                                Duration.ofMinutes(2))
                        .assertSuccess();
                Awaitility.await("kafka-reassign-partitions --verify reports the move complete")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> {
                            KafkaDistribution.ToolResult verify = KafkaDistribution.run(
                                    KafkaDistribution.REASSIGN_PARTITIONS,
                                    List.of(
                                            "--bootstrap-server",
                                            cluster.bootstrap(),
                                            "--reassignment-json-file",
                                            plan.toString(),
                                            "--verify"),
                                    dir,
                                    Duration.ofMinutes(2));
                            assertEquals(0, verify.exitCode(), verify.output());
                            return verify.output().contains("is completed");
                        });
                assertEquals(
                        List.of(added, 1),
                        admin
                                .describeTopics(List.of(TOPIC))
                                .allTopicNames()
                                .get()
                                .get(TOPIC)
                                .partitions()
                                .get(0)
                                .replicas()
                                .stream()
                                .map(Node::id)
                                .toList());

                assertEquals(
                        0,
                        vertebra(
                                "partitions",
                                "decommission",
                                "--broker",
                                Integer.toString(added),
                                "--bootstrap-server",
                                cluster.bootstrap()));
                assertEquals(0, replicasOn(admin, added), "decommission moved every replica off the node");
                awaitAllInSync(admin);

                KafkaDistribution.ToolResult describe = KafkaDistribution.run(
                                KafkaDistribution.TOPICS,
                                List.of("--bootstrap-server", cluster.bootstrap(), "--describe", "--topic", TOPIC),
                                dir,
                                Duration.ofMinutes(2))
                        .assertSuccess();
                assertTrue(describe.output().contains("PartitionCount: 6"), describe.output());
                KafkaDistribution.ToolResult election = KafkaDistribution.run(
                        KafkaDistribution.LEADER_ELECTION,
                        List.of(
                                "--bootstrap-server",
                                cluster.bootstrap(),
                                "--election-type",
                                "preferred",
                                "--all-topic-partitions"),
                        dir,
                        Duration.ofMinutes(2));
                assertEquals(0, election.exitCode(), election.output());

                int before = acked.size();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() > before + 500);
                stop.set(true);
                writer.join(30_000);
                producer.flush();
            }
            Set<String> read = new HashSet<>();
            Properties c = new Properties();
            c.put("bootstrap.servers", cluster.bootstrap());
            c.put("key.deserializer", StringDeserializer.class.getName());
            c.put("value.deserializer", StringDeserializer.class.getName());
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
                List<TopicPartition> all = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    all.add(new TopicPartition(TOPIC, i));
                }
                consumer.assign(all);
                consumer.seekToBeginning(all);
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!read.containsAll(acked) && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                        read.add(r.value());
                    }
                }
            }
            Set<String> missing = new HashSet<>(acked);
            missing.removeAll(read);
            assertTrue(
                    missing.isEmpty(),
                    missing.size() + " acknowledged records lost, e.g. "
                            + missing.stream().limit(5).toList());
        }
    }

    static long replicasOn(Admin admin, int broker) throws Exception {
        TopicDescription d =
                admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
        return d.partitions().stream()
                .filter(p -> p.replicas().stream().map(Node::id).anyMatch(id -> id == broker))
                .count();
    }

    static void awaitAllInSync(Admin admin) {
        Awaitility.await("every replica in sync")
                .atMost(Duration.ofSeconds(120))
                .ignoreExceptions()
                .until(() -> {
                    TopicDescription d = admin.describeTopics(List.of(TOPIC))
                            .allTopicNames()
                            .get()
                            .get(TOPIC);
                    return d.partitions().stream()
                            .allMatch(p -> p.isr().size() == p.replicas().size());
                });
    }
}
