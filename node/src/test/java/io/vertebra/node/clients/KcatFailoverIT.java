package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * librdkafka clients against three Vertebra nodes, through the real {@code kcat} binary: every codec and the
 * metadata as on one node ({@link KcatSingleNodeIT}), then a producer and a group consumer that keep going while the
 * partition leader is SIGKILLed, without losing an acknowledged record. Every answer kcat prints is checked for its
 * content (records, keys, offsets, leaders), not just its exit code.
 */
class KcatFailoverIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final Kcat.Session kcat = new Kcat.Session();

    CompatibilityCluster cluster;

    @Test
    void threeNodesSurviveALeaderSigkill() throws Exception {
        cluster = kcat.start(dir, 3);
        String bootstrap = cluster.bootstrap();

        cluster.createTopic("kcat-replicated", 3, 3);
        cluster.awaitFullIsr("kcat-replicated");
        KcatAgreement.produceWithEveryCodecAndReadBack(cluster, "kcat-replicated", 3);
        KcatAgreement.metadataMatchesTheNode(cluster, "kcat-replicated", Set.of());

        String topic = "kcat-failover";
        cluster.createTopic(topic, 1, 3);
        cluster.awaitFullIsr(topic);
        KcatAgreement.metadataMatchesTheNode(cluster, topic, Set.of());

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
            Kcat.awaitAssignments(List.of(consumer), 1);

            // A keyed, idempotent acks=all producer fed a stream of numbered records for as long as it takes, so
            // records are in flight when the leader dies. librdkafka holds at most 1000 undelivered records, and
            // kcat then waits, serving delivery reports (-v -v prints one per record); the pipe holds the writer
            // back. The writer must not wait for delivery reports itself: kcat serves them only while producing
            // or waiting for queue room, so it would print none while it waits for input.
            Kcat producer = Kcat.start(
                    "failover-producer",
                    bootstrap,
                    Kcat.idempotentProducer(
                            topic,
                            "-p",
                            "0",
                            "-z",
                            "lz4",
                            "-X",
                            "linger.ms=5",
                            "-X",
                            "queue.buffering.max.messages=1000",
                            "-v",
                            "-v"));
            Predicate<String> delivered = line -> Kcat.DELIVERED.matcher(line).find();
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
                killed = cluster.leaderOf(topic, 0);
                cluster.kill(killed);
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
            List<Matcher> reports = producer.deliveryReports();
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

            int newLeader = cluster.leaderOf(topic, 0);
            assertNotEquals(killed, newLeader);
            KcatAgreement.metadataMatchesTheNode(cluster, topic, Set.of(killed));

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
                    cluster.committed("kcat-failover-group"),
                    "offsets committed by the group consumer");
        }
        KcatAgreement.assertNoProtocolTrouble(cluster);
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
}
