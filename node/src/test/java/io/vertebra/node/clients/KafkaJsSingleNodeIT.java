package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaJS 2.2.4 (the pure-JavaScript client, see {@link KafkaJs}) against a single node: the admin calls, an
 * idempotent producer with keys, headers and timestamps, offsets by time and a group of two consumers, one of which
 * leaves. What KafkaJS reports is checked against what kafka-clients reads back, record by record. Needs Node.js and
 * npm on the PATH (the test fails, naming them, when they are missing).
 */
class KafkaJsSingleNodeIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final KafkaJs.Session js = new KafkaJs.Session();

    CompatibilityCluster cluster;

    @Test
    void adminIdempotentProducerOffsetsAndAGroupOfTwo() throws Exception {
        cluster = js.start(dir, 1);
        String bootstrap = cluster.bootstrap();
        Admin admin = cluster.admin();

        // admin: createTopics (with a config), listTopics, fetchTopicMetadata
        js.run("create", bootstrap, "topic=kjs-records", "partitions=3", "rf=1", "config.retention.ms=86400000")
                .assertCreated();
        js.run("create", bootstrap, "topic=kjs-group", "partitions=4", "rf=1").assertCreated();
        js.run("create", bootstrap, "topic=kjs-doomed", "partitions=2", "rf=1").assertCreated();
        assertEquals(
                "86400000",
                cluster.topicConfig("kjs-records", "retention.ms"),
                "the config KafkaJS created the topic with");
        Set<String> listed = js.run("list", bootstrap).topics();
        assertTrue(listed.containsAll(Set.of("kjs-records", "kjs-group", "kjs-doomed")), listed.toString());
        assertEquals(cluster.topicNames(), listed, "KafkaJS lists the topics kafka-clients lists");
        JsonNode metadata = js.run("metadata", bootstrap, "topic=kjs-records")
                .only("metadata")
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
        KafkaJs produced = js.run(
                "produce", bootstrap, "topic=kjs-records", "partitions=3", "count=300", "batch=7", "tsBase=" + tsBase);
        Map<Long, KafkaJs.Ack> acks = produced.acks();
        assertEquals(300, acks.size(), "acknowledged records");
        for (int p = 0; p < 3; p++) {
            int partition = p;
            List<Long> offsets = acks.values().stream()
                    .filter(a -> a.partition() == partition)
                    .map(KafkaJs.Ack::offset)
                    .toList();
            assertEquals(
                    LongStream.range(0, 100).boxed().toList(),
                    offsets,
                    "partition " + p + ": acknowledged offsets 0..99 in send order");
        }
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read = cluster.readToEnd("kjs-records", 3);
        KafkaJs.assertReadBackExactly(acks, read, "kjs-records", tsBase);

        // fetchTopicOffsets, fetchTopicOffsetsByTimestamp
        for (JsonNode o : js.run("offsets", bootstrap, "topic=kjs-records")
                .only("offsets")
                .get("offsets")) {
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
                                .filter(a -> a.partition() == partition && a.i() >= k)
                                .mapToLong(KafkaJs.Ack::offset)
                                .min()
                                .orElse(100));
            }
            Map<Integer, Long> answered = new TreeMap<>();
            for (JsonNode o : js.run("offsets-by-time", bootstrap, "topic=kjs-records", "ts=" + (tsBase + k))
                    .only("offsets-by-time")
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
        consumerGroup(bootstrap);

        // deleteTopics
        assertEquals(
                "kjs-doomed",
                js.run("delete", bootstrap, "topic=kjs-doomed")
                        .only("deleted")
                        .get("topic")
                        .asText());
        Awaitility.await("kjs-doomed gone")
                .atMost(Duration.ofSeconds(30))
                .until(() -> !admin.listTopics().names().get().contains("kjs-doomed"));
        Set<String> after = js.run("list", bootstrap).topics();
        assertFalse(after.contains("kjs-doomed"), after.toString());
        assertTrue(after.containsAll(Set.of("kjs-records", "kjs-group")), after.toString());
        cluster.logs().assertNoProtocolTrouble();
    }

    void consumerGroup(String bootstrap) throws Exception {
        String topic = "kjs-group";
        String group = "kjs-group-members";
        KafkaJs a = js.consumer(bootstrap, topic, group, "A");
        KafkaJs b = js.consumer(bootstrap, topic, group, "B");
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
        Map<Long, KafkaJs.Ack> first = js.run(
                        "produce", bootstrap, "topic=" + topic, "partitions=4", "count=200", "batch=9")
                .acks();
        Awaitility.await("the two members read all 200 records")
                .atMost(Duration.ofSeconds(60))
                .until(() -> a.events("msg").size() + b.events("msg").size() >= 200);
        assertEquals(assignedA, a.assignment(), "no rebalance while reading");
        assertEquals(assignedB, b.assignment(), "no rebalance while reading");
        List<JsonNode> all = new ArrayList<>(a.events("msg"));
        all.addAll(b.events("msg"));
        KafkaJs.assertExactlyOnce(first, all, topic);
        for (JsonNode m : a.events("msg")) {
            assertTrue(assignedA.contains(m.get("partition").asInt()), "A read only its partitions: " + m);
        }
        for (JsonNode m : b.events("msg")) {
            assertTrue(assignedB.contains(m.get("partition").asInt()), "B read only its partitions: " + m);
        }
        cluster.awaitCommitted(group, topic, Map.of(0, 50L, 1, 50L, 2, 50L, 3, 50L));

        // B leaves the group; A takes over B's partitions and reads what is produced after the leave
        int readByA = a.events("msg").size();
        b.stop();
        assertFalse(b.events("left").isEmpty(), "B left the group");
        Awaitility.await("A takes over all four partitions")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> List.of(0, 1, 2, 3).equals(a.assignment()));
        Map<Long, KafkaJs.Ack> second = js.run(
                        "produce", bootstrap, "topic=" + topic, "partitions=4", "count=100", "from=200", "batch=9")
                .acks();
        Awaitility.await("A reads the 100 records produced after B left")
                .atMost(Duration.ofSeconds(60))
                .until(() -> a.events("msg").size() >= readByA + 100);
        List<JsonNode> afterLeave =
                a.events("msg").subList(readByA, a.events("msg").size());
        // exactly the new ones: B committed what it read before leaving, so nothing is read again
        KafkaJs.assertExactlyOnce(second, afterLeave, topic);
        Map<Integer, Long> end = Map.of(0, 75L, 1, 75L, 2, 75L, 3, 75L);
        cluster.awaitCommitted(group, topic, end);
        Map<Integer, Long> kafkajsCommitted = new TreeMap<>();
        for (JsonNode p : js.run("group-offsets", bootstrap, "group=" + group, "topic=" + topic)
                .only("group-offsets")
                .get("offsets")
                .get(0)
                .get("partitions")) {
            kafkajsCommitted.put(p.get("partition").asInt(), p.get("offset").asLong());
        }
        assertEquals(new TreeMap<>(end), kafkajsCommitted, "KafkaJS fetchOffsets of the group");
        a.stop();
    }
}
