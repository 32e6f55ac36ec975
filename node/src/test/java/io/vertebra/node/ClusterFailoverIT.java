package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as separate processes, RF=3, min.insync.replicas=2, an idempotent acks=all producer writing
 * throughout. Whatever is killed or frozen, every acknowledged record is read back exactly once and in order,
 * and the longest pause between acknowledgements stays bounded (the < 1 s goal is measured by the benchmark;
 * here the bound is generous for a loaded machine). The nodes share a {@code controller.secret}, so every
 * metadata entry is sealed and checked through the failovers and the replays of a rejoining node.
 */
class ClusterFailoverIT {
    private static final String TOPIC = "failover";

    @TempDir
    Path dir;

    ClusterProcesses cluster;
    Admin admin;

    @BeforeEach
    void startCluster() throws Exception {
        // with controller.secret: every metadata entry is sealed, through kills, freezes and rejoins (replays)
        cluster = ClusterProcesses.start(dir, 3, Map.of("controller.secret", "failover-it-controller-secret"));
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()));
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                .all()
                .get();
        awaitIsr(3);
    }

    @AfterEach
    void stopCluster(org.junit.jupiter.api.TestInfo test) throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
        // keep the node logs for diagnosis: target/cluster-logs/<test>/
        Path logs = Path.of(
                "target", "cluster-logs", test.getTestMethod().orElseThrow().getName());
        java.nio.file.Files.createDirectories(logs);
        try (var files = java.nio.file.Files.walk(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")
                            && f.getFileName().toString().contains("node"))
                    .toList()) {
                java.nio.file.Files.copy(
                        f,
                        logs.resolve(f.getParent().getFileName() + "-" + f.getFileName()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    TopicPartitionInfo partition() throws Exception {
        TopicDescription d =
                admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
        return d.partitions().get(0);
    }

    void awaitIsr(int size) {
        Awaitility.await("ISR of " + size)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> partition().isr().size() == size && partition().leader() != null);
    }

    /** A producer thread writing value-0, value-1, ... and recording what was acknowledged, and when. */
    final class Writer implements AutoCloseable {
        final ConcurrentSkipListMap<Long, String> acked = new ConcurrentSkipListMap<>();
        final AtomicLong lastAckNs = new AtomicLong(System.nanoTime());
        final AtomicLong maxGapNs = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final KafkaProducer<String, String> producer;
        final Thread thread;

        Writer() {
            Properties p = new Properties();
            p.put("bootstrap.servers", cluster.bootstrap());
            p.put("acks", "all");
            p.put("enable.idempotence", "true");
            p.put("linger.ms", "1");
            p.put("delivery.timeout.ms", "120000");
            p.put("request.timeout.ms", "5000");
            p.put("max.in.flight.requests.per.connection", "5");
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", StringSerializer.class.getName());
            producer = new KafkaProducer<>(p);
            thread = new Thread(
                    () -> {
                        for (int i = 0; !stop.get(); i++) {
                            String value = "value-" + i;
                            producer.send(new ProducerRecord<>(TOPIC, 0, null, value), (m, e) -> {
                                if (e == null) {
                                    long now = System.nanoTime();
                                    long previous = lastAckNs.getAndSet(now);
                                    maxGapNs.accumulateAndGet(now - previous, Math::max);
                                    acked.put(m.offset(), value);
                                }
                            });
                            if (i % 200 == 0) {
                                producer.flush();
                            }
                        }
                    },
                    "writer");
            thread.start();
        }

        void awaitAcked(int count) {
            Awaitility.await(count + " acknowledged writes")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> acked.size() >= count);
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join(60_000);
            producer.close(Duration.ofSeconds(60));
        }
    }

    void verifyExactlyOnceInOrder(Writer writer) {
        long last = writer.acked.lastKey();
        List<ConsumerRecord<String, String>> records =
                NodeLifecycleIT.consume(cluster.bootstrap(), TOPIC, (int) last + 1);
        assertTrue(records.size() >= last + 1, "read " + records.size() + ", acknowledged up to offset " + last);
        Set<String> seen = new HashSet<>();
        int previous = -1;
        for (ConsumerRecord<String, String> r : records) {
            assertTrue(seen.add(r.value()), "duplicate " + r.value() + " at offset " + r.offset());
            int n = Integer.parseInt(r.value().substring("value-".length()));
            assertTrue(n > previous, "out of order: " + r.value() + " after value-" + previous);
            previous = n;
        }
        for (var e : writer.acked.entrySet()) {
            assertEquals(e.getValue(), records.get(e.getKey().intValue()).value(), "acked offset " + e.getKey());
        }
    }

    @Test
    void leaderSigkillLosesNothingAndTheKilledNodeRejoins() throws Exception {
        Writer writer = new Writer();
        int killed;
        try (writer) {
            writer.awaitAcked(2000);
            killed = partition().leader().id();
            cluster.node(killed).process.kill();
            int before = writer.acked.size();
            writer.awaitAcked(before + 2000);
            int newLeader = partition().leader().id();
            assertTrue(newLeader != killed, "a new leader took over");
        }
        long gapMs = writer.maxGapNs.get() / 1_000_000;
        System.out.println("leader SIGKILL: longest gap between acknowledgements " + gapMs + " ms");
        assertTrue(gapMs < 20_000, "failover gap " + gapMs + " ms");
        verifyExactlyOnceInOrder(writer);

        cluster.restart(killed);
        awaitIsr(3);
        assertTrue(partition().isr().stream().anyMatch(n -> n.id() == killed), "restarted node back in the ISR");
        // it kept its log (truncated to the leader, then caught up) rather than setting it aside and copying anew
        try (var entries = java.nio.file.Files.list(dir.resolve("node-" + killed + "/data/log"))) {
            List<String> names =
                    entries.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.contains(TOPIC + "-0"), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".stray")), "no live replica set aside: " + names);
        }
    }

    @Test
    void frozenLeaderIsReplacedAndRejoinsWithoutSplitBrain() throws Exception {
        Writer writer = new Writer();
        int frozen;
        try (writer) {
            writer.awaitAcked(1000);
            frozen = partition().leader().id();
            cluster.node(frozen).process.signal("STOP");
            int before = writer.acked.size();
            writer.awaitAcked(before + 1500);
            cluster.node(frozen).process.signal("CONT");
            before = writer.acked.size();
            writer.awaitAcked(before + 1000);
        }
        verifyExactlyOnceInOrder(writer);
        awaitIsr(3);
    }

    @Test
    void metadataLeaderKillIsInvisibleToClients() throws Exception {
        Writer writer = new Writer();
        try (writer) {
            writer.awaitAcked(1000);
            int controller = admin.describeCluster().controller().get().id();
            cluster.node(controller).process.kill();
            int before = writer.acked.size();
            writer.awaitAcked(before + 1500);
            Awaitility.await("a new metadata leader")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> admin.describeCluster().controller().get().id() != controller);
            admin.createTopics(List.of(new NewTopic("after-controller-kill", 1, (short) 2)))
                    .all()
                    .get();
        }
        verifyExactlyOnceInOrder(writer);
    }
}
