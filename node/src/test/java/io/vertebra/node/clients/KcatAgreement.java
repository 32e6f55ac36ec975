package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.awaitility.Awaitility;

/**
 * The checks both kcat tests run, on one node and on three: what kcat writes, kcat and the Java client read back
 * alike, and what kcat reports about the cluster is what the node's Admin API says.
 */
final class KcatAgreement {
    private static final List<String> CODECS = List.of("none", "gzip", "snappy", "lz4", "zstd");

    private KcatAgreement() {}

    /**
     * kcat -P with keys ({@code -K:}), idempotent acks=all, once per codec; then everything read back by kcat -C
     * and by the Java client: each record exactly once, every partition's offsets dense from 0, each key on one
     * partition in the order written.
     */
    static void produceWithEveryCodecAndReadBack(CompatibilityCluster cluster, String topic, int partitions) {
        String bootstrap = cluster.bootstrap();
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
                    Kcat.idempotentProducer(topic, "-z", codec, "-v", "-v"));
            assertEquals(perCodec, producer.deliveryReports().size(), producer.describe("delivery reports"));
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
        List<String> javaRead = cluster.readAll(topic, partitions).stream()
                .map(r -> r.key() + "=" + r.value())
                .toList();
        assertEquals(new TreeSet<>(expected), new TreeSet<>(javaRead), "records read back by the Java client");
        assertEquals(expected.size(), javaRead.size());
    }

    /**
     * kcat -L -J: the brokers the node reports (ids and addresses of the live nodes, none of {@code dead}), and the
     * topic's partitions with the leader, replicas and ISR the Admin client sees.
     */
    static void metadataMatchesTheNode(CompatibilityCluster cluster, String topic, Set<Integer> dead) {
        String bootstrap = cluster.bootstrap();
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
                            expectedBrokers.put(id, "127.0.0.1:" + cluster.kafkaPort(id));
                        }
                    }
                    assertEquals(expectedBrokers, brokers, "brokers");
                    assertTrue(
                            brokers.containsKey(md.get("controllerid").asInt()),
                            "controller " + md.get("controllerid"));
                    Set<String> topics = new TreeSet<>();
                    md.get("topics").forEach(t -> topics.add(t.get("topic").asText()));
                    assertEquals(new TreeSet<>(cluster.topicNames()), topics, "topics");

                    Kcat one = Kcat.run("metadata-" + topic, bootstrap, null, "-L", "-J", "-t", topic);
                    JsonNode t = one.json().get(0).get("topics").get(0);
                    assertEquals(topic, t.get("topic").asText());
                    assertFalse(t.has("error"), t.toString());
                    TopicDescription d = cluster.describe(topic);
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

    /** Neither librdkafka (in every kcat started) nor any node logged a protocol problem. */
    static void assertNoProtocolTrouble(CompatibilityCluster cluster) throws IOException {
        Kcat.assertNoProtocolTroubleLogged();
        cluster.logs().assertNoProtocolTrouble();
    }

    private static Set<Integer> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> ids(JsonNode array) {
        Set<Integer> ids = new TreeSet<>();
        array.forEach(n -> ids.add(n.get("id").asInt()));
        return ids;
    }
}
