package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.TestBroker;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.KafkaDistribution.ToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own {@code kafka-consumer-groups} tool (4.3, run as a separate JVM) against this broker:
 * --list, --describe of an active group with its lag, --reset-offsets --to-earliest --execute on the emptied
 * group, and --delete.
 */
class ConsumerGroupsCommandIT {
    private static final String TOPIC = "clicks";
    private static final String GROUP = "dashboards";

    @TempDir
    Path dir;

    private ToolResult tool(TestBroker broker, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        return KafkaDistribution.run(
                        KafkaDistribution.CONSUMER_GROUPS, all, dir.resolve("tools"), Duration.ofSeconds(90))
                .assertSuccess();
    }

    /** The data rows of a --describe or --reset-offsets table for {@link #TOPIC}, split on whitespace. */
    private static List<String[]> rows(ToolResult result) {
        List<String[]> rows = new ArrayList<>();
        for (String line : result.lines()) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length >= 4 && cells[0].equals(GROUP) && cells[1].equals(TOPIC)) {
                rows.add(cells);
            }
        }
        return rows;
    }

    @Test
    void listDescribeResetAndDeleteAGroup() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"), GroupTestSettings.fastGroups());
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = broker.producer(Map.of("acks", "all"))) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, i % 3, "k" + i, "v" + i));
                }
            }
            KafkaConsumer<String, String> consumer = broker.consumer(GroupTestSettings.member(GROUP, "dashboard-1"));
            try {
                consumer.subscribe(List.of(TOPIC));
                Set<String> read = new HashSet<>();
                Awaitility.await("30 records")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            consumer.poll(Duration.ofMillis(100)).forEach(r -> read.add(r.value()));
                            return read.size() == 30;
                        });
                consumer.commitSync();

                assertTrue(tool(broker, "--list").lines().contains(GROUP), "--list shows the group");

                List<String[]> described = rows(tool(broker, "--describe", "--group", GROUP));
                assertEquals(3, described.size(), "one row per partition");
                for (String[] row : described) {
                    // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
                    assertEquals("10", row[3], String.join(" ", row));
                    assertEquals("10", row[4]);
                    assertEquals("0", row[5]);
                    assertTrue(row[6].startsWith("dashboard-1-"), row[6]);
                    assertEquals("dashboard-1", row[8]);
                }
            } finally {
                consumer.close();
            }

            List<String[]> reset = rows(
                    tool(broker, "--reset-offsets", "--group", GROUP, "--topic", TOPIC, "--to-earliest", "--execute"));
            assertEquals(3, reset.size());
            reset.forEach(row -> assertEquals("0", row[3], "NEW-OFFSET of " + String.join(" ", row)));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            assertEquals(3, committed.size());
            committed.values().forEach(o -> assertEquals(0, o.offset()));

            ToolResult deleted = tool(broker, "--delete", "--group", GROUP);
            assertTrue(deleted.output().contains("successful"), deleted.output());
            assertTrue(admin.listGroups().all().get(30, TimeUnit.SECONDS).isEmpty(), "the group is gone");
            assertTrue(admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS)
                    .isEmpty());
        }
    }
}
