package io.vertebra.log.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max.broker.partitions} and {@code max.partitions} through the admin client: a CreateTopics,
 * CreatePartitions or topic auto-creation past a limit fails with POLICY_VIOLATION naming the limit and the
 * current count, and creates nothing; the broker restarts with what it has.
 */
class PartitionLimitsAdminTest {
    @TempDir
    Path dir;

    private static String policyViolation(KafkaFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        assertInstanceOf(PolicyViolationException.class, e.getCause());
        return e.getCause().getMessage();
    }

    @Test
    void partitionsPastTheBrokerLimitAreRefusedAndNothingIsCreated() throws Exception {
        Map<String, String> settings =
                Map.of("max.broker.partitions", "30", "offsets.topic.num.partitions", "1", "num.partitions", "20");
        try (TestBroker broker = TestBroker.start(dir, settings);
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("fits", 10, (short) 1)))
                    .all()
                    .get();

            String bomb = policyViolation(admin.createTopics(List.of(new NewTopic("bomb", 10_000, (short) 1)))
                    .all());
            assertTrue(bomb.contains("max.broker.partitions=30"), bomb);
            assertTrue(bomb.contains("would host 10010") && bomb.contains("hosts 10 now"), bomb);

            // two topics that fit alone but not together: the second is refused, the first created
            var pair = admin.createTopics(
                    List.of(new NewTopic("first", 15, (short) 1), new NewTopic("second", 15, (short) 1)));
            pair.values().get("first").get();
            assertTrue(policyViolation(pair.values().get("second")).contains("max.broker.partitions=30"));

            String grow = policyViolation(admin.createPartitions(Map.of("fits", NewPartitions.increaseTo(16)))
                    .all());
            assertTrue(grow.contains("would host 31") && grow.contains("hosts 25 now"), grow);
            assertEquals(
                    10,
                    admin.describeTopics(List.of("fits"))
                            .allTopicNames()
                            .get()
                            .get("fits")
                            .partitions()
                            .size());

            // auto-creation takes num.partitions=20: past the limit, the topic stays missing
            try (var producer = broker.producer(Map.of("max.block.ms", "3000"))) {
                var send = producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("auto", "v"));
                assertThrows(ExecutionException.class, send::get);
            }
            assertFalse(admin.listTopics().names().get().contains("auto"));
            assertFalse(admin.listTopics().names().get().contains("bomb"));
            assertFalse(admin.listTopics().names().get().contains("second"));

            broker.restart();
        }
    }

    @Test
    void partitionsPastTheClusterLimitAreRefused() throws Exception {
        Map<String, String> settings = Map.of("max.partitions", "12", "offsets.topic.num.partitions", "1");
        try (TestBroker broker = TestBroker.start(dir, settings);
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("ten", 10, (short) 1)))
                    .all()
                    .get();
            String refused = policyViolation(admin.createTopics(List.of(new NewTopic("three", 3, (short) 1)))
                    .all());
            assertTrue(refused.contains("max.partitions=12") && refused.contains("has 10 now"), refused);
            admin.createTopics(List.of(new NewTopic("two", 2, (short) 1))).all().get();
        }
    }
}
