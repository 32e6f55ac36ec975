package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.VertebraCluster;
import io.vertebra.testkit.VertebraProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaJS 2.2.4 (the pure-JavaScript client, pinned in {@code node/src/test/js/kafkajs/package-lock.json}) against a
 * single node and against a three-node cluster (RF=3, min.insync.replicas=2) whose partition leader, and after it
 * rejoined the group coordinator, is SIGKILLed while KafkaJS produces and consumes. The KafkaJS side is {@code compat.js}, one command per run, printing JSON lines; this test checks what
 * those lines report against what kafka-clients reads back, record by record. Needs Node.js and npm on the PATH
 * (the test fails, naming them, when they are missing); it installs KafkaJS into {@code node/target/kafkajs} with
 * {@code npm ci}.
 */
class KafkaJsCompatibilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCES = ProjectLayout.root().resolve("node/src/test/js/kafkajs");
    private static final Path INSTALL = ProjectLayout.root().resolve("node/target/kafkajs");
    /** API (name and key) -> the versions KafkaJS sent, over all runs. */
    private static final Map<String, Set<Integer>> API_VERSIONS = new ConcurrentSkipListMap<>();

    @TempDir
    Path dir;

    Path logs;
    final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeAll
    static void installKafkaJs() throws Exception {
        String missing = "KafkaJsCompatibilityIT needs Node.js (>= 14) and npm on the PATH to run KafkaJS: install"
                + " them (Debian/Ubuntu: apt-get install nodejs npm; or https://nodejs.org) and run again";
        for (String tool : List.of("node", "npm")) {
            try {
                Process p = new ProcessBuilder(tool, "--version")
                        .redirectErrorStream(true)
                        .start();
                String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    fail(missing + " (`" + tool + " --version` failed: " + version + ")");
                }
                System.out.println(tool + " " + version);
            } catch (IOException e) {
                fail(missing + " (cannot run `" + tool + "`: " + e.getMessage() + ")");
            }
        }
        Files.createDirectories(INSTALL);
        byte[] lock = Files.readAllBytes(SOURCES.resolve("package-lock.json"));
        Path installedLock = INSTALL.resolve("package-lock.json");
        boolean current = Files.isRegularFile(INSTALL.resolve("node_modules/kafkajs/package.json"))
                && Files.isRegularFile(installedLock)
                && java.util.Arrays.equals(lock, Files.readAllBytes(installedLock));
        try (var files = Files.list(SOURCES)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, INSTALL.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!current) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(INSTALL.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(INSTALL.resolve("npm-ci.log").toFile())
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                fail("npm ci in " + INSTALL + " did not finish in 5 minutes; see npm-ci.log there");
            }
            assertEquals(
                    0,
                    npm.exitValue(),
                    () -> "npm ci in " + INSTALL + " failed:\n" + read(INSTALL.resolve("npm-ci.log")));
        }
        JsonNode kafkajs = JSON.readTree(
                INSTALL.resolve("node_modules/kafkajs/package.json").toFile());
        assertEquals("2.2.4", kafkajs.get("version").asText(), "installed KafkaJS version");
    }

    @AfterAll
    static void reportApiVersions() throws IOException {
        Map<String, Set<Integer>> sorted = new TreeMap<>(API_VERSIONS);
        String report = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sorted);
        System.out.println("API versions KafkaJS 2.2.4 used: " + report);
        Files.writeString(INSTALL.resolve("api-versions.json"), report);
    }

    @BeforeEach
    void logDir(TestInfo test) throws IOException {
        logs = INSTALL.resolve("logs")
                .resolve(test.getTestMethod().orElseThrow().getName());
        if (Files.isDirectory(logs)) {
            try (var old = Files.list(logs)) {
                for (Path f : old.toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(logs);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        // keep the node logs next to the KafkaJS ones for diagnosis
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches(".*-node-\\d+\\.log"))
                    .toList()) {
                Files.copy(
                        f,
                        logs.resolve(f.getParent().getFileName() + "-" + f.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    // ---------------------------------------------------------------- single node

    @Test
    void singleNode() throws Exception {
        VertebraProcess node = VertebraProcess.start(dir.resolve("node"), Ports.free(), Ports.free());
        toClose.add(node);
        node.awaitReady();
        String bootstrap = node.bootstrap();
        Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        toClose.add(admin);

        // admin: createTopics (with a config), listTopics, fetchTopicMetadata
        created(js("create", bootstrap, "topic=kjs-records", "partitions=3", "rf=1", "config.retention.ms=86400000"));
        created(js("create", bootstrap, "topic=kjs-group", "partitions=4", "rf=1"));
        created(js("create", bootstrap, "topic=kjs-doomed", "partitions=2", "rf=1"));
        assertEquals(
                "86400000",
                admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "kjs-records")))
                        .all()
                        .get()
                        .values()
                        .iterator()
                        .next()
                        .get("retention.ms")
                        .value(),
                "the config KafkaJS created the topic with");
        Set<String> listed = topics(js("list", bootstrap));
        assertTrue(listed.containsAll(Set.of("kjs-records", "kjs-group", "kjs-doomed")), listed.toString());
        assertEquals(
                admin.listTopics(new ListTopicsOptions().listInternal(true))
                        .names()
                        .get(),
                listed,
                "KafkaJS lists the topics kafka-clients lists");
        JsonNode metadata = only(js("metadata", bootstrap, "topic=kjs-records"), "metadata")
                .get("topics")
                .get(0);
        assertEquals("kjs-records", metadata.get("name").asText());
        assertEquals(3, metadata.get("partitions").size());
        for (JsonNode p : metadata.get("partitions")) {
            assertEquals(0, p.get("partitionErrorCode").asInt(), p.toString());
            assertEquals(1, p.get("leader").asInt(), p.toString());
            assertEquals("[1]", p.get("replicas").toString());
            assertEquals("[1]", p.get("isr").toString());
        }

        // idempotent producer, keys, headers, explicit timestamps: every acknowledged record read back exactly
        long tsBase = System.currentTimeMillis() - 600_000;
        Js produced = js(
                "produce", bootstrap, "topic=kjs-records", "partitions=3", "count=300", "batch=7", "tsBase=" + tsBase);
        Map<Long, Ack> acks = acks(produced);
        assertEquals(300, acks.size(), "acknowledged records");
        for (int p = 0; p < 3; p++) {
            int partition = p;
            List<Long> offsets = acks.values().stream()
                    .filter(a -> a.partition == partition)
                    .map(a -> a.offset)
                    .toList();
            assertEquals(
                    java.util.stream.LongStream.range(0, 100).boxed().toList(),
                    offsets,
                    "partition " + p + ": acknowledged offsets 0..99 in send order");
        }
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read = readAll(bootstrap, "kjs-records", 3, 300);
        assertReadBackExactly(acks, read, "kjs-records", tsBase);

        // fetchTopicOffsets, fetchTopicOffsetsByTimestamp
        for (JsonNode o :
                only(js("offsets", bootstrap, "topic=kjs-records"), "offsets").get("offsets")) {
            assertEquals("100", o.get("high").asText(), o.toString());
            assertEquals("100", o.get("offset").asText(), o.toString());
            assertEquals("0", o.get("low").asText(), o.toString());
        }
        for (long k : List.of(-1L, 0L, 151L, 299L, 400L)) {
            Map<Integer, Long> expected = new TreeMap<>();
            for (int p = 0; p < 3; p++) {
                int partition = p;
                // the first record of the partition with timestamp >= tsBase + k; past the end: the end offset
                expected.put(
                        p,
                        acks.values().stream()
                                .filter(a -> a.partition == partition && a.i >= k)
                                .mapToLong(a -> a.offset)
                                .min()
                                .orElse(100));
            }
            Map<Integer, Long> answered = new TreeMap<>();
            for (JsonNode o : only(
                            js("offsets-by-time", bootstrap, "topic=kjs-records", "ts=" + (tsBase + k)),
                            "offsets-by-time")
                    .get("offsets")) {
                answered.put(o.get("partition").asInt(), o.get("offset").asLong());
            }
            assertEquals(expected, answered, "fetchTopicOffsetsByTimestamp(tsBase + " + k + ")");
            // and kafka-clients agrees
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                specs.put(new TopicPartition("kjs-records", p), OffsetSpec.forTimestamp(tsBase + k));
            }
            for (var e : admin.listOffsets(specs).all().get().entrySet()) {
                long offset = e.getValue().offset();
                assertEquals(
                        expected.get(e.getKey().partition()),
                        offset < 0 ? 100 : offset,
                        "kafka-clients listOffsets " + e.getKey() + " at tsBase + " + k);
            }
        }

        // a group of two KafkaJS consumers
        consumerGroup(bootstrap, admin);

        // deleteTopics
        assertEquals(
                "kjs-doomed",
                only(js("delete", bootstrap, "topic=kjs-doomed"), "deleted")
                        .get("topic")
                        .asText());
        Awaitility.await("kjs-doomed gone")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !admin.listTopics().names().get().contains("kjs-doomed"));
        Set<String> after = topics(js("list", bootstrap));
        assertFalse(after.contains("kjs-doomed"), after.toString());
        assertTrue(after.containsAll(Set.of("kjs-records", "kjs-group")), after.toString());
    }

    void consumerGroup(String bootstrap, Admin admin) throws Exception {
        String topic = "kjs-group";
        String group = "kjs-group-members";
        Js a = consumer(bootstrap, topic, group, "A");
        Js b = consumer(bootstrap, topic, group, "B");
        Awaitility.await("both members get partitions, together all four")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    List<Integer> pa = a.assignment();
                    List<Integer> pb = b.assignment();
                    if (pa == null || pb == null || pa.isEmpty() || pb.isEmpty()) {
                        return false;
                    }
                    Set<Integer> union = new TreeSet<>(pa);
                    union.addAll(pb);
                    return union.equals(Set.of(0, 1, 2, 3)) && pa.size() + pb.size() == 4;
                });
        List<Integer> assignedA = a.assignment();
        List<Integer> assignedB = b.assignment();
        Map<Long, Ack> first = acks(js("produce", bootstrap, "topic=" + topic, "partitions=4", "count=200", "batch=9"));
        Awaitility.await("the two members read all 200 records")
                .atMost(Duration.ofSeconds(60))
                .until(() -> a.events("msg").size() + b.events("msg").size() >= 200);
        assertEquals(assignedA, a.assignment(), "no rebalance while reading");
        assertEquals(assignedB, b.assignment(), "no rebalance while reading");
        List<JsonNode> all = new ArrayList<>(a.events("msg"));
        all.addAll(b.events("msg"));
        assertExactlyOnce(first, all, topic);
        for (JsonNode m : a.events("msg")) {
            assertTrue(assignedA.contains(m.get("partition").asInt()), "A read only its partitions: " + m);
        }
        for (JsonNode m : b.events("msg")) {
            assertTrue(assignedB.contains(m.get("partition").asInt()), "B read only its partitions: " + m);
        }
        awaitCommitted(admin, group, topic, Map.of(0, 50L, 1, 50L, 2, 50L, 3, 50L));

        // B leaves the group; A takes over B's partitions and reads what is produced after the leave
        int readByA = a.events("msg").size();
        b.stop();
        assertFalse(b.events("left").isEmpty(), "B left the group");
        Awaitility.await("A takes over all four partitions")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of(0, 1, 2, 3).equals(a.assignment()));
        Map<Long, Ack> second =
                acks(js("produce", bootstrap, "topic=" + topic, "partitions=4", "count=100", "from=200", "batch=9"));
        Awaitility.await("A reads the 100 records produced after B left")
                .atMost(Duration.ofSeconds(60))
                .until(() -> a.events("msg").size() >= readByA + 100);
        List<JsonNode> afterLeave =
                a.events("msg").subList(readByA, a.events("msg").size());
        // exactly the new ones: B committed what it read before leaving, so nothing is read again
        assertExactlyOnce(second, afterLeave, topic);
        Map<Integer, Long> end = Map.of(0, 75L, 1, 75L, 2, 75L, 3, 75L);
        awaitCommitted(admin, group, topic, end);
        Map<Integer, Long> kafkajsCommitted = new TreeMap<>();
        for (JsonNode p : only(js("group-offsets", bootstrap, "group=" + group, "topic=" + topic), "group-offsets")
                .get("offsets")
                .get(0)
                .get("partitions")) {
            kafkajsCommitted.put(p.get("partition").asInt(), p.get("offset").asLong());
        }
        assertEquals(new TreeMap<>(end), kafkajsCommitted, "KafkaJS fetchOffsets of the group");
        a.stop();
    }

    // ---------------------------------------------------------------- cluster

    @Test
    void threeNodeClusterLeaderThenCoordinatorKilled() throws Exception {
        VertebraCluster cluster = VertebraCluster.start(dir, 3, Map.of());
        toClose.add(cluster);
        String bootstrap = cluster.bootstrap();
        Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        toClose.add(admin);
        String topic = "kjs-failover";
        String group = "kjs-failover-group";

        created(js("create", bootstrap, "topic=" + topic, "partitions=1", "rf=3", "config.min.insync.replicas=2"));
        assertEquals(
                "2",
                admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                        .all()
                        .get()
                        .values()
                        .iterator()
                        .next()
                        .get("min.insync.replicas")
                        .value());
        Awaitility.await("ISR of 3")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> partition(admin, topic).isr().size() == 3);
        JsonNode metadata = only(js("metadata", bootstrap, "topic=" + topic), "metadata")
                .get("topics")
                .get(0)
                .get("partitions")
                .get(0);
        assertEquals(3, metadata.get("replicas").size(), metadata.toString());
        assertEquals(
                partition(admin, topic).leader().id(), metadata.get("leader").asInt(), metadata.toString());

        Js consumer = consumer(bootstrap, topic, group, "C");
        consumer.restartsAllowed = true;
        Awaitility.await("the consumer joins")
                .atMost(Duration.ofSeconds(60))
                .until(() -> List.of(0).equals(consumer.assignment()));

        // 1: SIGKILL the partition leader while KafkaJS produces and consumes
        Map<Long, Ack> acks = new TreeMap<>();
        int leader = partition(admin, topic).leader().id();
        produceAcrossKill(cluster, bootstrap, topic, consumer, acks, leader, "partition leader");
        assertNotEquals(leader, partition(admin, topic).leader().id(), "a new leader took over");

        // 2: the killed node comes back; then SIGKILL the group coordinator (it may lead the partition too)
        cluster.restart(leader);
        Awaitility.await("ISR of 3 again")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> partition(admin, topic).isr().size() == 3);
        int coordinator = admin.describeConsumerGroups(List.of(group))
                .all()
                .get()
                .get(group)
                .coordinator()
                .id();
        String role = coordinator == partition(admin, topic).leader().id()
                ? "group coordinator and partition leader"
                : "group coordinator";
        produceAcrossKill(cluster, bootstrap, topic, consumer, acks, coordinator, role);

        List<Long> offsets = acks.values().stream().map(x -> x.offset).toList();
        for (int i = 1; i < offsets.size(); i++) {
            assertTrue(offsets.get(i) > offsets.get(i - 1), "offsets increase in send order at " + i + ": " + offsets);
        }
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read = readAll(bootstrap, topic, 1, acks.size());
        assertReadBackExactly(acks, read, topic, null);

        // the group member kept consuming across both kills: it has every acknowledged record, each offset with
        // the value kafka-clients read there
        Awaitility.await("the consumer read every acknowledged record")
                .atMost(Duration.ofSeconds(60))
                .until(() -> consumer.events("msg").stream()
                                .map(m -> m.get("value").asText())
                                .collect(Collectors.toSet())
                                .size()
                        >= acks.size());
        List<JsonNode> msgs = consumer.events("msg");
        Map<Long, String> byOffset = new HashMap<>();
        read.values().iterator().next().forEach(r -> byOffset.put(r.offset(), r.value()));
        Set<Long> seen = new HashSet<>();
        int redelivered = 0;
        for (JsonNode m : msgs) {
            long offset = m.get("offset").asLong();
            assertEquals(byOffset.get(offset), m.get("value").asText(), "consumer at offset " + offset);
            if (!seen.add(offset)) {
                redelivered++;
            }
        }
        System.out.printf(
                "KafkaJS consumer: %d records, %d of them read again after a failover; %d group joins,"
                        + " restarted by KafkaJS after %s%n",
                msgs.size(),
                redelivered,
                consumer.events("assigned").size(),
                consumer.events("crash").stream()
                        .map(c -> c.get("error").asText())
                        .toList());
        long endOffset = offsets.get(offsets.size() - 1) + 1;
        awaitCommitted(admin, group, topic, Map.of(0, endOffset));
        JsonNode committed = only(js("group-offsets", bootstrap, "group=" + group, "topic=" + topic), "group-offsets")
                .get("offsets")
                .get(0)
                .get("partitions")
                .get(0);
        assertEquals(endOffset, committed.get("offset").asLong(), "KafkaJS fetchOffsets after the failovers");
        consumer.stop();
    }

    /**
     * Runs the KafkaJS idempotent producer from the next record on, SIGKILLs node {@code victim} after 300
     * acknowledgements, lets it get 300 more, stops it and adds its acknowledgements to {@code acks}; the
     * consumer must read on after the kill.
     */
    void produceAcrossKill(
            VertebraCluster cluster,
            String bootstrap,
            String topic,
            Js consumer,
            Map<Long, Ack> acks,
            int victim,
            String role)
            throws IOException {
        long from = acks.size();
        Path stop = dir.resolve("stop-producer-" + from);
        Js producer = jsStart("produce", bootstrap, "topic=" + topic, "from=" + from, "stopFile=" + stop, "batch=5");
        Awaitility.await("300 acknowledged before the kill")
                .atMost(Duration.ofSeconds(60))
                .until(() -> producer.events("ack").size() >= 300);
        int readAtKill = consumer.events("msg").size();
        cluster.node(victim).process().kill();
        long killedAtNs = System.nanoTime();
        int ackedAtKill = producer.events("ack").size();
        Awaitility.await("300 more acknowledged after the kill of the " + role)
                .atMost(Duration.ofSeconds(90))
                .until(() -> producer.events("ack").size() >= ackedAtKill + 300);
        long afterMs = (System.nanoTime() - killedAtNs) / 1_000_000;
        Files.createFile(stop);
        producer.awaitDone(Duration.ofSeconds(60));
        Map<Long, Ack> these = acks(producer);
        assertEquals(from, these.keySet().iterator().next(), "first record of this run");
        long next = only(producer.events("produced")).get("next").asLong();
        assertEquals(next - from, these.size(), "every record sent was acknowledged (the idempotent producer retried)");
        acks.putAll(these);
        Awaitility.await("the consumer reads on after the kill of the " + role)
                .atMost(Duration.ofSeconds(60))
                .until(() -> consumer.events("msg").stream()
                        .anyMatch(m -> m.get("value").asText().equals("v-" + (next - 1))));
        System.out.printf(
                "KafkaJS producer: SIGKILL of node %d (%s) after %d acknowledgements, +300 in %d ms;"
                        + " the consumer had read %d%n",
                victim, role, ackedAtKill, afterMs, readAtKill);
    }

    static TopicPartitionInfo partition(Admin admin, String topic) throws Exception {
        TopicDescription d =
                admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return d.partitions().get(0);
    }

    // ---------------------------------------------------------------- checks

    record Ack(long i, int partition, long offset) {}

    static Map<Long, Ack> acks(Js run) {
        Map<Long, Ack> acks = new TreeMap<>();
        for (JsonNode a : run.events("ack")) {
            Ack ack = new Ack(
                    a.get("i").asLong(),
                    a.get("partition").asInt(),
                    a.get("offset").asLong());
            assertTrue(acks.put(ack.i, ack) == null, "record " + ack.i + " acknowledged twice");
        }
        long expected = acks.isEmpty() ? 0 : acks.keySet().iterator().next();
        for (long i : acks.keySet()) {
            assertEquals(expected++, i, "acknowledged records are consecutive");
        }
        return acks;
    }

    /** Every acknowledged record is where its acknowledgement says, exactly as sent; nothing else is there. */
    static void assertReadBackExactly(
            Map<Long, Ack> acks,
            Map<TopicPartition, List<ConsumerRecord<String, String>>> read,
            String topic,
            Long tsBase) {
        Map<TopicPartition, Map<Long, ConsumerRecord<String, String>>> byOffset = new HashMap<>();
        int total = 0;
        Set<String> values = new HashSet<>();
        for (var e : read.entrySet()) {
            Map<Long, ConsumerRecord<String, String>> m = new HashMap<>();
            for (ConsumerRecord<String, String> r : e.getValue()) {
                m.put(r.offset(), r);
                assertTrue(values.add(r.value()), "written once: " + r.value() + " again at " + r.offset());
                total++;
            }
            byOffset.put(e.getKey(), m);
        }
        assertEquals(acks.size(), total, "records in " + topic + " (acknowledged " + acks.size() + ")");
        for (Ack a : acks.values()) {
            ConsumerRecord<String, String> r =
                    byOffset.get(new TopicPartition(topic, a.partition)).get(a.offset);
            String where = topic + "-" + a.partition + "@" + a.offset + " (record " + a.i + ")";
            assertTrue(r != null, "nothing at " + where);
            assertEquals("k-" + a.i, r.key(), where);
            assertEquals("v-" + a.i, r.value(), where);
            Map<String, String> headers = new TreeMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
            assertEquals(Map.of("seq", Long.toString(a.i), "client", "kafkajs"), headers, where);
            if (tsBase != null) {
                assertEquals(tsBase + a.i, r.timestamp(), where);
            }
        }
    }

    /** The consumed records are exactly the acknowledged ones, each once, with key, value and headers. */
    static void assertExactlyOnce(Map<Long, Ack> acks, List<JsonNode> consumed, String topic) {
        Map<String, JsonNode> byPosition = new HashMap<>();
        for (JsonNode m : consumed) {
            String position = m.get("partition").asInt() + "@" + m.get("offset").asLong();
            assertTrue(byPosition.put(position, m) == null, "read once: " + position);
        }
        assertEquals(acks.size(), consumed.size(), "records consumed");
        for (Ack a : acks.values()) {
            JsonNode m = byPosition.get(a.partition + "@" + a.offset);
            String where = topic + "-" + a.partition + "@" + a.offset;
            assertTrue(m != null, "not consumed: " + where);
            assertEquals("k-" + a.i, m.get("key").asText(), where);
            assertEquals("v-" + a.i, m.get("value").asText(), where);
            assertEquals(Long.toString(a.i), m.get("headers").get("seq").asText(), where);
        }
    }

    static void awaitCommitted(Admin admin, String group, String topic, Map<Integer, Long> expected) {
        Awaitility.await("committed offsets of " + group + ": " + expected)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                            .partitionsToOffsetAndMetadata()
                            .get();
                    Map<Integer, Long> got = new TreeMap<>();
                    committed.forEach((tp, o) -> {
                        if (tp.topic().equals(topic) && o != null) {
                            got.put(tp.partition(), o.offset());
                        }
                    });
                    return got.equals(new TreeMap<>(expected));
                });
    }

    static Map<TopicPartition, List<ConsumerRecord<String, String>>> readAll(
            String bootstrap, String topic, int partitions, int expected) {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read = new HashMap<>();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
            read.put(tps.get(p), new ArrayList<>());
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers",
                bootstrap,
                "key.deserializer",
                StringDeserializer.class.getName(),
                "value.deserializer",
                StringDeserializer.class.getName()))) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            int[] count = {0};
            Awaitility.await("kafka-clients reads " + topic + " to its end")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                            read.get(new TopicPartition(r.topic(), r.partition()))
                                    .add(r);
                            count[0]++;
                        });
                        return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
                    });
            assertTrue(count[0] >= expected, "read " + count[0] + " of at least " + expected);
        }
        return read;
    }

    static void created(Js run) {
        JsonNode c = only(run.events("created"));
        assertTrue(c.get("created").asBoolean(), "createTopics answered created: " + c);
    }

    static Set<String> topics(Js run) {
        Set<String> topics = new TreeSet<>();
        only(run.events("topics")).get("topics").forEach(t -> topics.add(t.asText()));
        return topics;
    }

    static JsonNode only(Js run, String ev) {
        return only(run.events(ev));
    }

    static JsonNode only(List<JsonNode> events) {
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }

    // ---------------------------------------------------------------- running compat.js

    /** Runs one compat.js command to its end (exit 0 and "done" required). */
    Js js(String command, String bootstrap, String... args) {
        Js run = jsStart(command, bootstrap, args);
        run.awaitDone(Duration.ofSeconds(60));
        return run;
    }

    Js consumer(String bootstrap, String topic, String group, String member) {
        return jsStart(
                "consume",
                bootstrap,
                "topic=" + topic,
                "group=" + group,
                "member=" + member,
                "stopFile=" + dir.resolve("stop-" + member));
    }

    private int runs;

    Js jsStart(String command, String bootstrap, String... args) {
        List<String> line = new ArrayList<>(List.of(
                "node", "--max-old-space-size=128", INSTALL.resolve("compat.js").toString(), command, bootstrap));
        line.addAll(List.of(args));
        String name = String.format("%02d-%s", ++runs, command);
        Js run = new Js(
                name,
                String.join(" ", line),
                ChildProcess.start("kafkajs-" + name, line, INSTALL, Map.of(), logs.resolve(name + ".log")));
        toClose.add(run);
        return run;
    }

    /** One compat.js process: its JSON result lines, parsed as they arrive. */
    final class Js implements AutoCloseable {
        final String name;
        final String commandLine;
        final ChildProcess process;
        private final List<JsonNode> events = new ArrayList<>();
        private int parsedLines;
        /** Whether KafkaJS may restart this consumer after an error (what it does when its coordinator dies). */
        volatile boolean restartsAllowed;

        Js(String name, String commandLine, ChildProcess process) {
            this.name = name;
            this.commandLine = commandLine;
            this.process = process;
        }

        synchronized List<JsonNode> events() {
            List<String> lines = process.lines();
            for (; parsedLines < lines.size(); parsedLines++) {
                String line = lines.get(parsedLines);
                if (line.startsWith("{\"ev\":")) {
                    try {
                        events.add(JSON.readTree(line));
                    } catch (IOException e) {
                        throw new UncheckedIOException("not JSON from " + name + ": " + line, e);
                    }
                }
            }
            List<JsonNode> crashes = events.stream()
                    .filter(e -> e.get("ev").asText().equals("crash"))
                    .filter(e -> !(restartsAllowed && e.get("restart").asBoolean()))
                    .toList();
            assertTrue(crashes.isEmpty(), () -> name + " crashed: " + crashes + "\n" + process.output());
            return List.copyOf(events);
        }

        List<JsonNode> events(String ev) {
            return events().stream()
                    .filter(e -> e.get("ev").asText().equals(ev))
                    .toList();
        }

        /** The partitions of the latest group join, or null before the first. */
        List<Integer> assignment() {
            List<JsonNode> joins = events("assigned");
            if (joins.isEmpty()) {
                return null;
            }
            List<Integer> partitions = new ArrayList<>();
            joins.get(joins.size() - 1).get("partitions").forEach(p -> partitions.add(p.asInt()));
            return partitions;
        }

        void awaitDone(Duration timeout) {
            int code = process.awaitExit(timeout);
            List<JsonNode> all = events();
            for (JsonNode e : all) {
                if (e.get("ev").asText().equals("apis")) {
                    e.get("versions")
                            .fields()
                            .forEachRemaining(v -> v.getValue()
                                    .forEach(n -> API_VERSIONS
                                            .computeIfAbsent(v.getKey(), k -> new ConcurrentSkipListSet<>())
                                            .add(n.asInt())));
                }
            }
            assertEquals(0, code, () -> commandLine + " failed:\n" + process.output());
            assertFalse(
                    all.isEmpty() || !all.get(all.size() - 1).get("ev").asText().equals("done"),
                    () -> commandLine + " did not finish:\n" + process.output());
        }

        /** Asks a consumer to leave its group (its stop file) and waits for it to finish. */
        void stop() throws IOException {
            String member = commandLine.replaceAll(".* member=(\\S+).*", "$1");
            Files.createFile(dir.resolve("stop-" + member));
            awaitDone(Duration.ofSeconds(60));
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
