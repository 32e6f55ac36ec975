package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.testkit.VertebraCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * librdkafka clients against Vertebra, through the real {@code kcat} binary (Debian's kcat 1.7.1 with
 * librdkafka 2.0): metadata, keyed idempotent acks=all produce with every compression codec, a balanced consumer
 * group of two processes with committed offsets, offsets by timestamp, and, on three nodes, a producer and a
 * group consumer that keep going while the partition leader is SIGKILLed without losing an acknowledged record.
 * Every answer kcat prints is checked for its content (records, keys, offsets, leaders), not just its exit code.
 */
class KcatCompatibilityIT {
    private static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    private static final Pattern DELIVERED =
            Pattern.compile("Message delivered to partition (\\d+) \\(offset (-?\\d+)\\) on broker (-?\\d+)");
    private static final Pattern REBALANCE = Pattern.compile("rebalanced .*: (assigned|revoked): (.*)$");
    private static final Pattern PARTITION = Pattern.compile("\\[(\\d+)\\]");
    /**
     * What the node logs when it failed a request rather than answering it, or closed a connection over a request
     * it would not serve (a version it does not advertise, a body that does not parse).
     */
    private static final List<String> PROTOCOL_FAILURES = List.of(
            "BUG:",
            "error serving",
            "cannot write a",
            "unparseable",
            "malformed request",
            "this broker serves v",
            "after an unexpected error",
            "UnsupportedVersionException");

    /** librdkafka log lines that would mean Vertebra answered something it cannot parse or did not expect. */
    private static final Pattern CLIENT_PROTOCOL_TROUBLE = Pattern.compile(
            "(?i)unsupported|corrupt|bad message format|unknown api|failed to parse|invalid response|malformed");

    @TempDir
    Path dir;

    VertebraCluster cluster;
    Admin admin;

    @BeforeAll
    static void kcatIsInstalled() {
        Kcat.requireInstalled();
    }

    @BeforeEach
    void forgetEarlierKcats() {
        Kcat.STARTED.clear();
    }

    void startCluster(int size) {
        cluster = VertebraCluster.start(dir, size, size, "320m", Map.of());
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()));
    }

    @AfterEach
    void stopCluster(TestInfo test) throws IOException {
        for (Kcat kcat : Kcat.STARTED) {
            kcat.close();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
        // keep this run's node logs for diagnosis: target/kcat-logs/<test>/
        Path logs = Path.of(
                "target", "kcat-logs", test.getTestMethod().orElseThrow().getName());
        Files.createDirectories(logs);
        try (var earlier = Files.list(logs)) {
            for (Path f : earlier.toList()) {
                Files.delete(f);
            }
        }
        for (Path log : nodeLogs()) {
            Files.copy(
                    log,
                    logs.resolve(log.getParent().getFileName() + "-" + log.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void singleNode() throws Exception {
        startCluster(1);
        String bootstrap = cluster.bootstrap();

        createTopic("kcat-keyed", 3, 1);
        produceWithEveryCodecAndReadBack(bootstrap, "kcat-keyed", 3);
        metadataMatchesTheNode(bootstrap, "kcat-keyed", Set.of());

        createTopic("kcat-group", 4, 1);
        balancedGroupOfTwoReadsEachRecordOnce(bootstrap, "kcat-group", 4);

        createTopic("kcat-times", 2, 1);
        offsetsForTimes(bootstrap, "kcat-times");

        assertNoProtocolFailuresInNodeLogs();
    }

    @Test
    void threeNodesSurviveALeaderSigkill() throws Exception {
        startCluster(3);
        String bootstrap = cluster.bootstrap();

        createTopic("kcat-replicated", 3, 3);
        awaitFullIsr("kcat-replicated");
        produceWithEveryCodecAndReadBack(bootstrap, "kcat-replicated", 3);
        metadataMatchesTheNode(bootstrap, "kcat-replicated", Set.of());

        String topic = "kcat-failover";
        createTopic(topic, 1, 3);
        awaitFullIsr(topic);
        metadataMatchesTheNode(bootstrap, topic, Set.of());

        try (Kcat consumer = Kcat.start(
                "failover-group",
                bootstrap,
                "-G",
                "kcat-failover-group",
                "-J",
                "-u",
                "-X",
                "auto.offset.reset=earliest",
                topic)) {
            awaitAssignments(List.of(consumer), 1);

            // A keyed, idempotent acks=all producer fed a stream of numbered records for as long as it takes, so
            // records are in flight when the leader dies. librdkafka holds at most 1000 undelivered records, and
            // kcat then waits, serving delivery reports (-v -v prints one per record); the pipe holds the writer
            // back. The writer must not wait for delivery reports itself: kcat serves them only while producing
            // or waiting for queue room, so it would print none while it waits for input.
            Kcat producer = Kcat.start(
                    "failover-producer",
                    bootstrap,
                    "-P",
                    "-t",
                    topic,
                    "-p",
                    "0",
                    "-K:",
                    "-z",
                    "lz4",
                    "-X",
                    "enable.idempotence=true",
                    "-X",
                    "acks=all",
                    "-X",
                    "linger.ms=5",
                    "-X",
                    "queue.buffering.max.messages=1000",
                    "-v",
                    "-v");
            Predicate<String> delivered = line -> DELIVERED.matcher(line).find();
            AtomicInteger written = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(
                    () -> {
                        try {
                            for (int i = 0; !stop.get(); i++) {
                                producer.write(failoverLine(i));
                                written.incrementAndGet();
                            }
                        } catch (Throwable t) {
                            writerFailure.set(t);
                        } finally {
                            producer.closeStdin();
                        }
                    },
                    "kcat-writer");
            int killed;
            try (producer) {
                writer.start();
                awaitDelivered(producer, delivered, 2000);
                killed = leaderOf(topic, 0);
                cluster.node(killed).process().kill();
                long killedAt = System.nanoTime();
                System.out.println("SIGKILLed node " + killed + ", the leader of " + topic + "-0");
                long before = producer.stderr().stream().filter(delivered).count();
                awaitDelivered(producer, delivered, before + 2000);
                System.out.println("2000 more records delivered " + (System.nanoTime() - killedAt) / 1_000_000
                        + " ms after the kill");
                stop.set(true);
                writer.join(90_000);
                assertFalse(writer.isAlive(), "writer finished");
                assertNull(writerFailure.get(), "writer");
                int code = producer.awaitExit(Duration.ofSeconds(90));
                assertEquals(0, code, producer.describe("exit code (1 = some delivery failed)"));
            }
            int total = written.get();
            // exit 0: every record was delivered; the reports name each offset once, all of them
            List<Matcher> reports = producer.stderr().stream()
                    .map(DELIVERED::matcher)
                    .filter(Matcher::find)
                    .toList();
            assertEquals(total, reports.size(), "one delivery report per record written");
            Set<Long> reportedOffsets = new TreeSet<>();
            for (Matcher m : reports) {
                assertEquals("0", m.group(1));
                assertTrue(reportedOffsets.add(Long.parseLong(m.group(2))), "offset reported twice: " + m.group());
            }
            assertEquals(offsetsUpTo(total), reportedOffsets, "delivered offsets are exactly 0.." + (total - 1));
            assertTrue(
                    reports.subList(reports.size() - 100, reports.size()).stream()
                            .allMatch(m -> Integer.parseInt(m.group(3)) != killed),
                    "the last records were delivered by a new leader");

            int newLeader = leaderOf(topic, 0);
            assertNotEquals(killed, newLeader);
            metadataMatchesTheNode(bootstrap, topic, Set.of(killed));

            // read back: offset i holds record i (written in order, idempotent: no gap, no duplicate)
            Kcat reader =
                    Kcat.run("failover-read", bootstrap, null, "-C", "-t", topic, "-o", "beginning", "-e", "-J", "-q");
            List<JsonNode> records = reader.json();
            assertEquals(total, records.size(), reader.describe("record count"));
            for (int i = 0; i < total; i++) {
                JsonNode r = records.get(i);
                assertEquals(i, r.get("offset").asLong());
                assertEquals(
                        failoverLine(i),
                        r.get("key").asText() + ":" + r.get("payload").asText() + "\n");
            }

            // the group consumer read across the kill: every record, each at its offset, then commits on exit
            Awaitility.await("the group consumer reads all " + total + " records")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> consumer.json().stream()
                                    .map(r -> r.get("offset").asLong())
                                    .distinct()
                                    .count()
                            >= total);
            assertEquals(0, consumer.terminate(Duration.ofSeconds(30)), consumer.describe("exit code"));
            Map<Long, String> seen = new TreeMap<>();
            int duplicates = 0;
            for (JsonNode r : consumer.json()) {
                String previous =
                        seen.put(r.get("offset").asLong(), r.get("payload").asText());
                if (previous != null) {
                    duplicates++;
                    assertEquals(previous, r.get("payload").asText(), "offset " + r.get("offset"));
                }
            }
            System.out.println(
                    "group consumer across the kill: " + seen.size() + " records, " + duplicates + " read twice");
            assertEquals(total, seen.size());
            seen.forEach((offset, value) -> assertTrue(
                    failoverLine(offset.intValue()).endsWith(":" + value + "\n"), "offset " + offset + ": " + value));
            assertEquals(
                    Map.of(new TopicPartition(topic, 0), (long) total),
                    committed("kcat-failover-group"),
                    "offsets committed by the group consumer");
        }
        assertNoProtocolFailuresInNodeLogs();
    }

    /** Record {@code i} of the failover stream as kcat reads it: key, colon, value, newline. */
    private static String failoverLine(int i) {
        return "k" + (i % 7) + ":value-" + i + "\n";
    }

    private static Set<Long> offsetsUpTo(int total) {
        Set<Long> all = new TreeSet<>();
        for (long i = 0; i < total; i++) {
            all.add(i);
        }
        return all;
    }

    private static void awaitDelivered(Kcat producer, Predicate<String> delivered, long count)
            throws InterruptedException {
        long n = producer.awaitStderrCount(delivered, count, Duration.ofSeconds(60));
        assertTrue(n >= count, producer.describe("delivered " + n + " of " + count));
    }

    /**
     * kcat -P with keys ({@code -K:}), idempotent acks=all, once per codec; then everything read back by kcat -C
     * and by the Java client: each record exactly once, every partition's offsets dense from 0, each key on one
     * partition in the order written.
     */
    void produceWithEveryCodecAndReadBack(String bootstrap, String topic, int partitions) throws Exception {
        int perCodec = 120;
        List<String> expected = new ArrayList<>();
        for (String codec : CODECS) {
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < perCodec; i++) {
                // compressible values, so the codec has something to do
                String value = codec + "-" + i + "-" + "abcdefgh".repeat(1 + i % 5);
                input.append("key-").append(i % 10).append(':').append(value).append('\n');
                expected.add("key-" + (i % 10) + "=" + value);
            }
            Kcat producer = Kcat.run(
                    "produce-" + codec,
                    bootstrap,
                    input.toString(),
                    "-P",
                    "-t",
                    topic,
                    "-K:",
                    "-z",
                    codec,
                    "-X",
                    "enable.idempotence=true",
                    "-X",
                    "acks=all",
                    "-v",
                    "-v");
            long reports = producer.stderr().stream()
                    .filter(l -> DELIVERED.matcher(l).find())
                    .count();
            assertEquals(perCodec, reports, producer.describe("delivery reports"));
        }

        Kcat reader = Kcat.run("read-" + topic, bootstrap, null, "-C", "-t", topic, "-o", "beginning", "-e", "-J");
        List<JsonNode> records = reader.json();
        List<String> read = records.stream()
                .map(r -> r.get("key").asText() + "=" + r.get("payload").asText())
                .toList();
        assertEquals(new TreeSet<>(expected), new TreeSet<>(read), "records read back by kcat");
        assertEquals(expected.size(), read.size(), "no record read twice");
        Map<Integer, List<Long>> offsets = new TreeMap<>();
        Map<String, Integer> partitionOfKey = new HashMap<>();
        Map<String, List<String>> valuesOfKey = new HashMap<>();
        for (JsonNode r : records) {
            int p = r.get("partition").asInt();
            offsets.computeIfAbsent(p, x -> new ArrayList<>())
                    .add(r.get("offset").asLong());
            String key = r.get("key").asText();
            Integer previous = partitionOfKey.put(key, p);
            assertTrue(previous == null || previous == p, key + " on partitions " + previous + " and " + p);
            valuesOfKey
                    .computeIfAbsent(key, k -> new ArrayList<>())
                    .add(r.get("payload").asText());
        }
        assertTrue(offsets.size() > 1, "keys spread over partitions: " + offsets.keySet());
        offsets.forEach((p, list) -> assertEquals(
                IntStream.range(0, list.size()).mapToObj(i -> (long) i).toList(), list, "offsets of partition " + p));
        Map<String, List<String>> writtenOfKey = new HashMap<>();
        for (String e : expected) {
            String[] kv = e.split("=", 2);
            writtenOfKey.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
        }
        assertEquals(writtenOfKey, valuesOfKey, "each key's records in the order written");

        // the Java client reads the same records from the batches librdkafka compressed
        List<String> javaRead = new ArrayList<>();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> tps = IntStream.range(0, partitions)
                    .mapToObj(i -> new TopicPartition(topic, i))
                    .toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (javaRead.size() < expected.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    javaRead.add(r.key() + "=" + r.value());
                }
            }
        }
        assertEquals(new TreeSet<>(expected), new TreeSet<>(javaRead), "records read back by the Java client");
        assertEquals(expected.size(), javaRead.size());
    }

    /**
     * kcat -L -J: the brokers the node reports (ids and addresses of the live nodes, none of {@code dead}), and the
     * topic's partitions with the leader, replicas and ISR the Admin client sees.
     */
    void metadataMatchesTheNode(String bootstrap, String topic, Set<Integer> dead) {
        Awaitility.await("kcat -L agrees with the node on " + topic)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    Kcat all = Kcat.run("metadata", bootstrap, null, "-L", "-J");
                    JsonNode md = all.json().get(0);
                    Map<Integer, String> brokers = new TreeMap<>();
                    md.get("brokers")
                            .forEach(b -> brokers.put(
                                    b.get("id").asInt(), b.get("name").asText()));
                    Map<Integer, String> expectedBrokers = new TreeMap<>();
                    for (int id = 1; id <= cluster.size(); id++) {
                        if (!dead.contains(id)) {
                            expectedBrokers.put(
                                    id, "127.0.0.1:" + cluster.node(id).kafkaPort());
                        }
                    }
                    assertEquals(expectedBrokers, brokers, "brokers");
                    assertTrue(
                            brokers.containsKey(md.get("controllerid").asInt()),
                            "controller " + md.get("controllerid"));
                    Set<String> topics = new TreeSet<>();
                    md.get("topics").forEach(t -> topics.add(t.get("topic").asText()));
                    assertEquals(
                            new TreeSet<>(admin.listTopics(new ListTopicsOptions().listInternal(true))
                                    .names()
                                    .get()),
                            topics,
                            "topics");

                    Kcat one = Kcat.run("metadata-" + topic, bootstrap, null, "-L", "-J", "-t", topic);
                    JsonNode t = one.json().get(0).get("topics").get(0);
                    assertEquals(topic, t.get("topic").asText());
                    assertFalse(t.has("error"), t.toString());
                    TopicDescription d = admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic);
                    assertEquals(d.partitions().size(), t.get("partitions").size(), t.toString());
                    for (JsonNode p : t.get("partitions")) {
                        assertFalse(p.has("error"), p.toString());
                        TopicPartitionInfo info =
                                d.partitions().get(p.get("partition").asInt());
                        assertEquals(info.leader().id(), p.get("leader").asInt(), "leader " + p);
                        assertFalse(dead.contains(p.get("leader").asInt()), "leader " + p);
                        assertEquals(ids(info.replicas()), ids(p.get("replicas")), "replicas " + p);
                        assertEquals(ids(info.isr()), ids(p.get("isrs")), "isr " + p);
                    }
                });
    }

    private static Set<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> ids(JsonNode array) {
        Set<Integer> ids = new TreeSet<>();
        array.forEach(n -> ids.add(n.get("id").asInt()));
        return ids;
    }

    /**
     * Two {@code kcat -G} processes in one group share the topic's partitions; records produced once both hold
     * their share are read exactly once between them, each by the member owning its partition, and the offsets
     * they commit on exit are the partitions' ends.
     */
    void balancedGroupOfTwoReadsEachRecordOnce(String bootstrap, String topic, int partitions) throws Exception {
        String group = "kcat-group-of-two";
        String[] args = {"-G", group, "-J", "-u", "-X", "auto.offset.reset=earliest", topic};
        try (Kcat a = Kcat.start("group-a", bootstrap, args);
                Kcat b = Kcat.start("group-b", bootstrap, args)) {
            List<Set<Integer>> shares = awaitAssignments(List.of(a, b), partitions);
            System.out.println("group of two: " + shares);
            // the node's view of the group (DescribeGroups) is the one the two librdkafka members agreed on
            Awaitility.await("the node describes the group of two as kcat sees it")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group))
                                .all()
                                .get()
                                .get(group);
                        assertEquals(GroupState.STABLE, d.groupState());
                        Set<Set<Integer>> described = new HashSet<>();
                        for (MemberDescription m : d.members()) {
                            described.add(m.assignment().topicPartitions().stream()
                                    .map(TopicPartition::partition)
                                    .collect(Collectors.toCollection(TreeSet::new)));
                        }
                        assertEquals(new HashSet<>(shares), described, "members' assignments");
                    });

            int count = 400;
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < count; i++) {
                input.append("key-").append(i % 13).append(":group-").append(i).append('\n');
            }
            Kcat.run(
                    "produce-group",
                    bootstrap,
                    input.toString(),
                    "-P",
                    "-t",
                    topic,
                    "-K:",
                    "-X",
                    "enable.idempotence=true",
                    "-X",
                    "acks=all");

            Awaitility.await("the two members read " + count + " records")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> a.json().size() + b.json().size() >= count);
            assertEquals(0, a.terminate(Duration.ofSeconds(30)), a.describe("exit code"));
            assertEquals(0, b.terminate(Duration.ofSeconds(30)), b.describe("exit code"));

            Set<String> values = new HashSet<>();
            Map<Integer, Long> ends = new TreeMap<>();
            List<Kcat> members = List.of(a, b);
            for (int m = 0; m < 2; m++) {
                List<JsonNode> read = members.get(m).json();
                assertFalse(read.isEmpty(), "member " + m + " read records");
                for (JsonNode r : read) {
                    int p = r.get("partition").asInt();
                    assertTrue(shares.get(m).contains(p), "member " + m + " read partition " + p + " of " + shares);
                    assertTrue(values.add(r.get("payload").asText()), "read twice: " + r);
                    ends.merge(p, r.get("offset").asLong() + 1, Math::max);
                }
            }
            assertEquals(
                    IntStream.range(0, count).mapToObj(i -> "group-" + i).collect(Collectors.toSet()),
                    values,
                    "every record read once");

            Map<TopicPartition, Long> endOffsets = endOffsets(topic, partitions);
            Map<TopicPartition, Long> expectedCommits = new HashMap<>();
            endOffsets.forEach((tp, end) -> {
                if (end > 0) {
                    expectedCommits.put(tp, end);
                }
            });
            ends.forEach((p, end) -> assertEquals(endOffsets.get(new TopicPartition(topic, p)), end));
            assertEquals(expectedCommits, committed(group), "committed offsets are the partitions' ends");
        }
    }

    /** Waits until the members' latest assignments are non-empty, disjoint and cover all partitions. */
    List<Set<Integer>> awaitAssignments(List<Kcat> members, int partitions) {
        List<Set<Integer>> shares = new ArrayList<>();
        Awaitility.await("partitions assigned to " + members.size() + " member(s)")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    shares.clear();
                    Set<Integer> union = new HashSet<>();
                    int total = 0;
                    for (Kcat member : members) {
                        assertTrue(member.isAlive(), member.describe("exited"));
                        Set<Integer> share = assignment(member);
                        if (share.isEmpty()) {
                            return false;
                        }
                        shares.add(share);
                        union.addAll(share);
                        total += share.size();
                    }
                    return total == partitions && union.size() == partitions;
                });
        return List.copyOf(shares);
    }

    /** The partitions a kcat -G process holds, from its latest "rebalanced ... assigned/revoked" line. */
    private static Set<Integer> assignment(Kcat member) {
        Set<Integer> share = new TreeSet<>();
        for (String line : member.stderr()) {
            Matcher m = REBALANCE.matcher(line);
            if (m.find()) {
                share.clear();
                if (m.group(1).equals("assigned")) {
                    Matcher p = PARTITION.matcher(m.group(2));
                    while (p.find()) {
                        share.add(Integer.parseInt(p.group(1)));
                    }
                }
            }
        }
        return share;
    }

    /**
     * kcat -Q -t topic:partition:timestamp against records written by the Java client with known timestamps:
     * the first offset at or after the time, -1 past the last record, and the -1 (end) and -2 (start) specials;
     * then kcat -C -o s@timestamp starts reading there.
     */
    void offsetsForTimes(String bootstrap, String topic) throws Exception {
        long base = (System.currentTimeMillis() / 1000 - 3600) * 1000; // an hour ago, whole seconds
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < 10; i++) {
                // partition 0: a record every second; partition 1: every two seconds
                producer.send(new ProducerRecord<>(topic, 0, base + i * 1000L, "k", "p0-" + i));
                producer.send(new ProducerRecord<>(topic, 1, base + i * 2000L, "k", "p1-" + i));
            }
            producer.flush();
        }
        assertEquals(0, queryOffset(bootstrap, topic, 0, base - 5000), "before the first record");
        assertEquals(0, queryOffset(bootstrap, topic, 0, base), "the first record's time");
        assertEquals(3, queryOffset(bootstrap, topic, 0, base + 3000), "a record's exact time");
        assertEquals(4, queryOffset(bootstrap, topic, 0, base + 3500), "between records");
        assertEquals(9, queryOffset(bootstrap, topic, 0, base + 9000), "the last record's time");
        assertEquals(-1, queryOffset(bootstrap, topic, 0, base + 9001), "after the last record");
        assertEquals(10, queryOffset(bootstrap, topic, 0, -1), "-1: the end offset");
        assertEquals(0, queryOffset(bootstrap, topic, 0, -2), "-2: the start offset");

        // two partitions in one query: the same time lands on different offsets
        Kcat both = Kcat.run(
                "query-both",
                bootstrap,
                null,
                "-Q",
                "-J",
                "-t",
                topic + ":0:" + (base + 6000),
                "-t",
                topic + ":1:" + (base + 6000));
        JsonNode answer = both.json().get(0).get(topic);
        assertEquals(6, answer.get("0").get("offset").asLong(), answer.toString());
        assertEquals(3, answer.get("1").get("offset").asLong(), answer.toString());

        // the plain text answer, as a user sees it
        Kcat text = Kcat.run("query-text", bootstrap, null, "-Q", "-t", topic + ":1:" + (base + 5000));
        assertEquals(List.of(topic + " [1] offset 3"), text.stdout());

        // consume from a time: -o s@<ms>
        Kcat from = Kcat.run(
                "consume-from-time",
                bootstrap,
                null,
                "-C",
                "-t",
                topic,
                "-p",
                "0",
                "-o",
                "s@" + (base + 3500),
                "-e",
                "-J",
                "-q");
        assertEquals(
                IntStream.range(4, 10).mapToObj(i -> "p0-" + i).toList(),
                from.json().stream().map(r -> r.get("payload").asText()).toList());
        assertEquals(base + 4000, from.json().get(0).get("ts").asLong(), "the record's create time");
    }

    private static long queryOffset(String bootstrap, String topic, int partition, long timestamp) {
        Kcat q = Kcat.run(
                "query-" + timestamp, bootstrap, null, "-Q", "-J", "-t", topic + ":" + partition + ":" + timestamp);
        JsonNode answer = q.json().get(0).get(topic).get(Integer.toString(partition));
        assertFalse(answer.has("error"), q.describe("answered an error"));
        return answer.get("offset").asLong();
    }

    void createTopic(String topic, int partitions, int replicas) throws Exception {
        NewTopic t = new NewTopic(topic, partitions, (short) replicas);
        if (replicas == 3) {
            t.configs(Map.of("min.insync.replicas", "2"));
        }
        admin.createTopics(List.of(t)).all().get();
    }

    void awaitFullIsr(String topic) {
        Awaitility.await("ISR of " + cluster.size() + " for " + topic)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                        .allMatch(p -> p.leader() != null && p.isr().size() == cluster.size()));
    }

    int leaderOf(String topic, int partition) {
        AtomicInteger leader = new AtomicInteger(-1);
        Awaitility.await("a leader for " + topic + "-" + partition)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    Node n = admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .get(partition)
                            .leader();
                    if (n == null
                            || n.id() < 0
                            || !cluster.node(n.id()).process().isAlive()) {
                        return false;
                    }
                    leader.set(n.id());
                    return true;
                });
        return leader.get();
    }

    Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            query.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(query).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null) {
                result.put(tp, om.offset());
            }
        });
        return result;
    }

    List<Path> nodeLogs() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")
                            && f.getFileName().toString().contains("-node-"))
                    .toList();
        }
    }

    /**
     * Prints what librdkafka logged (lines like {@code %4|...|FAIL|...}: disconnects are expected after a kill) and
     * fails on anything that points at a protocol problem.
     */
    void assertNoProtocolTroubleInKcatLogs() {
        List<String> trouble = new ArrayList<>();
        for (Kcat kcat : Kcat.STARTED) {
            for (String line : kcat.stderr()) {
                if (line.matches("^%\\d\\|.*")) {
                    System.out.println("[" + kcat.name() + "] " + line);
                }
                if (CLIENT_PROTOCOL_TROUBLE.matcher(line).find()) {
                    trouble.add(kcat.name() + ": " + line);
                }
            }
        }
        Kcat.STARTED.clear();
        assertEquals(List.of(), trouble, "librdkafka reported protocol trouble");
    }

    void assertNoProtocolFailuresInNodeLogs() throws IOException {
        assertNoProtocolTroubleInKcatLogs();
        List<String> failures = new ArrayList<>();
        for (Path log : nodeLogs()) {
            for (String line : Files.readAllLines(log)) {
                if (PROTOCOL_FAILURES.stream().anyMatch(line::contains)) {
                    failures.add(log.getParent().getFileName() + ": " + line);
                }
            }
        }
        assertEquals(List.of(), failures, "requests the nodes failed instead of answering");
    }
}
