package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real Kafka consumers (classic protocol) sharing a topic through this broker's group coordinator: the range
 * assignor spreads partitions, a leaving member's partitions move to the others, and with commitSync after
 * every poll no record is lost or read twice across the rebalance.
 */
class ConsumerGroupRebalanceTest {
    private static final String TOPIC = "orders";
    private static final String GROUP = "billing";

    @TempDir
    Path dir;

    private TestBroker broker;
    private final List<KafkaConsumer<String, String>> consumers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, GroupTestSettings.fastGroups());
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        consumers.forEach(KafkaConsumer::close);
        broker.close();
    }

    @Test
    void threeConsumersShareSixPartitionsAndTheRestTakeOverWhenOneLeaves() throws Exception {
        for (int i = 0; i < 3; i++) {
            KafkaConsumer<String, String> consumer = broker.consumer(GroupTestSettings.member(GROUP, "c" + i));
            consumer.subscribe(List.of(TOPIC));
            consumers.add(consumer);
        }
        Map<String, Integer> seen = new HashMap<>();
        awaitAssignments(seen, 2, 2, 2);

        produce(0, 300);
        pollUntil(seen, 300);

        KafkaConsumer<String, String> leaving = consumers.remove(2);
        leaving.close(); // sends LeaveGroup: the others rebalance at once
        awaitAssignments(seen, 3, 3);

        produce(300, 600);
        pollUntil(seen, 600);

        for (int i = 0; i < 600; i++) {
            assertEquals(1, seen.getOrDefault("v" + i, 0), "record v" + i + " must be read exactly once");
        }
    }

    private void produce(int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = broker.producer(Map.of("acks", "all"))) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 6, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    /** Polls every consumer in turn (committing what each read) until each holds the expected partition count. */
    private void awaitAssignments(Map<String, Integer> seen, int... expected) {
        Awaitility.await("assignment " + java.util.Arrays.toString(expected))
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    pollOnce(seen);
                    for (int i = 0; i < expected.length; i++) {
                        if (consumers.get(i).assignment().size() != expected[i]) {
                            return false;
                        }
                    }
                    Set<Integer> all = new HashSet<>();
                    consumers.forEach(c -> c.assignment().forEach(tp -> all.add(tp.partition())));
                    return all.size() == 6;
                });
    }

    private void pollUntil(Map<String, Integer> seen, int distinct) {
        Awaitility.await(distinct + " distinct records")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    pollOnce(seen);
                    return seen.size() >= distinct;
                });
    }

    private void pollOnce(Map<String, Integer> seen) {
        for (KafkaConsumer<String, String> consumer : consumers) {
            boolean any = false;
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                seen.merge(record.value(), 1, Integer::sum);
                any = true;
            }
            if (any) {
                consumer.commitSync();
            }
        }
        assertTrue(seen.values().stream().allMatch(n -> n == 1), "a record was delivered twice: " + seen);
    }
}
