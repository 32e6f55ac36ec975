package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * KafkaJS 2.2.4 (see {@link KafkaJs}) against a three-node cluster (RF=3, min.insync.replicas=2) whose partition
 * leader, and after it rejoined the group coordinator, is SIGKILLed while KafkaJS produces and consumes. What
 * KafkaJS reports is checked against what kafka-clients reads back, record by record. Needs Node.js and npm on the
 * PATH (the test fails, naming them, when they are missing).
 */
class KafkaJsFailoverIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final KafkaJs.Session js = new KafkaJs.Session();

    CompatibilityCluster cluster;

    @Test
    void threeNodeClusterLeaderThenCoordinatorKilled() throws Exception {
        cluster = js.start(dir, 3);
        String bootstrap = cluster.bootstrap();
        String topic = "kjs-failover";
        String group = "kjs-failover-group";

        js.run("create", bootstrap, "topic=" + topic, "partitions=1", "rf=3", "config.min.insync.replicas=2")
                .assertCreated();
        assertEquals("2", cluster.topicConfig(topic, "min.insync.replicas"));
        cluster.awaitFullIsr(topic);
        JsonNode metadata = js.run("metadata", bootstrap, "topic=" + topic)
                .only("metadata")
                .get("topics")
                .get(0)
                .get("partitions")
                .get(0);
        assertEquals(3, metadata.get("replicas").size(), metadata.toString());
        assertEquals(
                cluster.partition(topic, 0).leader().id(),
                metadata.get("leader").asInt(),
                metadata.toString());

        KafkaJs consumer = js.consumer(bootstrap, topic, group, "C");
        consumer.restartsAllowed = true;
        Awaitility.await("the consumer joins")
                .atMost(Duration.ofSeconds(60))
                .until(() -> List.of(0).equals(consumer.assignment()));

        // 1: SIGKILL the partition leader while KafkaJS produces and consumes
        Map<Long, KafkaJs.Ack> acks = new TreeMap<>();
        int leader = cluster.partition(topic, 0).leader().id();
        produceAcrossKill(bootstrap, topic, consumer, acks, leader, "partition leader");
        assertNotEquals(leader, cluster.partition(topic, 0).leader().id(), "a new leader took over");

        // 2: the killed node comes back; then SIGKILL the group coordinator (it may lead the partition too)
        cluster.restart(leader);
        cluster.awaitFullIsr(topic);
        int coordinator = cluster.admin()
                .describeConsumerGroups(List.of(group))
                .all()
                .get()
                .get(group)
                .coordinator()
                .id();
        String role = coordinator == cluster.partition(topic, 0).leader().id()
                ? "group coordinator and partition leader"
                : "group coordinator";
        produceAcrossKill(bootstrap, topic, consumer, acks, coordinator, role);

        List<Long> offsets = acks.values().stream().map(KafkaJs.Ack::offset).toList();
        for (int i = 1; i < offsets.size(); i++) {
            assertTrue(offsets.get(i) > offsets.get(i - 1), "offsets increase in send order at " + i + ": " + offsets);
        }
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read = cluster.readToEnd(topic, 1);
        KafkaJs.assertReadBackExactly(acks, read, topic, null);

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
        cluster.awaitCommitted(group, topic, Map.of(0, endOffset));
        JsonNode committed = js.run("group-offsets", bootstrap, "group=" + group, "topic=" + topic)
                .only("group-offsets")
                .get("offsets")
                .get(0)
                .get("partitions")
                .get(0);
        assertEquals(endOffset, committed.get("offset").asLong(), "KafkaJS fetchOffsets after the failovers");
        consumer.stop();
        cluster.logs().assertNoProtocolTrouble();
    }

    /**
     * Runs the KafkaJS idempotent producer from the next record on, SIGKILLs node {@code victim} after 300
     * acknowledgements, lets it get 300 more, stops it and adds its acknowledgements to {@code acks}; the
     * consumer must read on after the kill.
     */
    void produceAcrossKill(
            String bootstrap, String topic, KafkaJs consumer, Map<Long, KafkaJs.Ack> acks, int victim, String role)
            throws IOException {
        long from = acks.size();
        KafkaJs producer = js.producer(bootstrap, topic, from);
        Awaitility.await("300 acknowledged before the kill")
                .atMost(Duration.ofSeconds(60))
                .until(() -> producer.events("ack").size() >= 300);
        int readAtKill = consumer.events("msg").size();
        cluster.kill(victim);
        long killedAtNs = System.nanoTime();
        int ackedAtKill = producer.events("ack").size();
        Awaitility.await("300 more acknowledged after the kill of the " + role)
                .atMost(Duration.ofSeconds(90))
                .until(() -> producer.events("ack").size() >= ackedAtKill + 300);
        long afterMs = (System.nanoTime() - killedAtNs) / 1_000_000;
        producer.stop();
        Map<Long, KafkaJs.Ack> these = producer.acks();
        assertEquals(from, these.keySet().iterator().next(), "first record of this run");
        long next = producer.only("produced").get("next").asLong();
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
}
