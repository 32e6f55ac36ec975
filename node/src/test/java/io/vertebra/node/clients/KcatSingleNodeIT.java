package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * librdkafka clients against one Vertebra node, through the real {@code kcat} binary (Debian's kcat 1.7.1 with
 * librdkafka 2.0): metadata, keyed idempotent acks=all produce with every compression codec, a balanced consumer
 * group of two processes with committed offsets, and offsets by timestamp. Every answer kcat prints is checked for
 * its content (records, keys, offsets, leaders), not just its exit code. {@link KcatFailoverIT} runs the same
 * produce and metadata checks on three nodes and kills a leader.
 */
class KcatSingleNodeIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final Kcat.Session kcat = new Kcat.Session();

    CompatibilityCluster cluster;

    @Test
    void everyCodecMetadataGroupOfTwoAndOffsetsForTimes() throws Exception {
        cluster = kcat.start(dir, 1);
        String bootstrap = cluster.bootstrap();

        cluster.createTopic("kcat-keyed", 3, 1);
        KcatAgreement.produceWithEveryCodecAndReadBack(cluster, "kcat-keyed", 3);
        KcatAgreement.metadataMatchesTheNode(cluster, "kcat-keyed", Set.of());

        cluster.createTopic("kcat-group", 4, 1);
        balancedGroupOfTwoReadsEachRecordOnce(bootstrap, "kcat-group", 4);

        cluster.createTopic("kcat-times", 2, 1);
        offsetsForTimes(bootstrap, "kcat-times");

        KcatAgreement.assertNoProtocolTrouble(cluster);
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
            List<Set<Integer>> shares = Kcat.awaitAssignments(List.of(a, b), partitions);
            System.out.println("group of two: " + shares);
            // the node's view of the group (DescribeGroups) is the one the two librdkafka members agreed on
            Awaitility.await("the node describes the group of two as kcat sees it")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .untilAsserted(() -> {
                        ConsumerGroupDescription d = cluster.admin()
                                .describeConsumerGroups(List.of(group))
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
            Kcat.run("produce-group", bootstrap, input.toString(), Kcat.idempotentProducer(topic));

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

            Map<TopicPartition, Long> endOffsets = cluster.endOffsets(topic, partitions);
            Map<TopicPartition, Long> expectedCommits = new HashMap<>();
            endOffsets.forEach((tp, end) -> {
                if (end > 0) {
                    expectedCommits.put(tp, end);
                }
            });
            ends.forEach((p, end) -> assertEquals(endOffsets.get(new TopicPartition(topic, p)), end));
            assertEquals(expectedCommits, cluster.committed(group), "committed offsets are the partitions' ends");
        }
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
}
