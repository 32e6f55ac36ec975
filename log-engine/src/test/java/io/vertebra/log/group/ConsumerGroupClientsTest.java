package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group coordinator as Kafka's own consumer and admin client use it: offsets across a broker restart, static
 * membership, session expiry, and the admin group APIs (list, describe, delete offsets, delete groups).
 */
class ConsumerGroupClientsTest {
    private static final String TOPIC = "events";

    @TempDir
    Path dir;

    private TestBroker broker;
    private Admin admin;
    private final List<KafkaConsumer<String, String>> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, GroupTestSettings.fastGroups());
        admin = broker.admin();
        admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        open.forEach(KafkaConsumer::close);
        admin.close();
        broker.close();
    }

    private KafkaConsumer<String, String> consumer(String group, String clientId, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>(GroupTestSettings.member(group, clientId));
        settings.putAll(extra);
        KafkaConsumer<String, String> consumer = broker.consumer(settings);
        open.add(consumer);
        return consumer;
    }

    private void produce(int count) throws Exception {
        try (KafkaProducer<String, String> producer = broker.producer(Map.of("acks", "all"))) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % 6, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    /** Polls all {@code consumers} in turn until {@code done} holds. */
    private static void pollUntil(
            String what, BooleanSupplier done, Collection<KafkaConsumer<String, String>> consumers) {
        Awaitility.await(what)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    consumers.forEach(c -> c.poll(Duration.ofMillis(50)));
                    return done.getAsBoolean();
                });
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        return admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void committedOffsetsSurviveABrokerRestart() throws Exception {
        produce(120); // 20 per partition
        KafkaConsumer<String, String> first = consumer("durable", "first", Map.of());
        first.subscribe(List.of(TOPIC));
        pollUntil("six partitions", () -> first.assignment().size() == 6, List.of(first));
        Map<TopicPartition, OffsetAndMetadata> halfway = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            halfway.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(10, "half"));
        }
        first.commitSync(halfway);
        first.close();
        open.remove(first);

        broker.restart();

        try (Admin fresh = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> stored = fresh.listConsumerGroupOffsets("durable")
                    .partitionsToOffsetAndMetadata()
                    .get(60, TimeUnit.SECONDS);
            assertEquals(6, stored.size());
            stored.values().forEach(o -> {
                assertEquals(10, o.offset());
                assertEquals("half", o.metadata());
            });
        }
        KafkaConsumer<String, String> second = consumer("durable", "second", Map.of());
        second.subscribe(List.of(TOPIC));
        Set<String> values = new HashSet<>();
        Awaitility.await("the records after the committed offsets")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    for (ConsumerRecord<String, String> r : second.poll(Duration.ofMillis(100))) {
                        assertTrue(r.offset() >= 10, "read below the committed offset: " + r);
                        values.add(r.value());
                    }
                    return values.size() == 60;
                });
    }

    @Test
    void aStaticMemberRestartingWithinItsSessionTimeoutCausesNoRebalance() {
        Map<String, Object> longSession = Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 20_000);
        Map<String, Object> a = new HashMap<>(longSession);
        a.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a");
        Map<String, Object> b = new HashMap<>(longSession);
        b.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-b");

        KafkaConsumer<String, String> consumerA = consumer("static", "a", a);
        AtomicInteger aRebalances = new AtomicInteger();
        consumerA.subscribe(List.of(TOPIC), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                aRebalances.incrementAndGet();
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                aRebalances.incrementAndGet();
            }
        });
        KafkaConsumer<String, String> consumerB = consumer("static", "b", b);
        consumerB.subscribe(List.of(TOPIC));
        pollUntil(
                "three partitions each",
                () -> consumerA.assignment().size() == 3
                        && consumerB.assignment().size() == 3,
                List.of(consumerA, consumerB));
        int generation = consumerA.groupMetadata().generationId();
        Set<TopicPartition> bPartitions = Set.copyOf(consumerB.assignment());
        int rebalancesBefore = aRebalances.get();

        consumerB.close(); // a static member leaves no LeaveGroup behind
        open.remove(consumerB);
        KafkaConsumer<String, String> restartedB = consumer("static", "b2", b);
        restartedB.subscribe(List.of(TOPIC));
        pollUntil(
                "b back with its partitions",
                () -> restartedB.assignment().size() == 3,
                List.of(consumerA, restartedB));

        assertEquals(bPartitions, restartedB.assignment(), "the returning instance gets its old partitions");
        assertEquals(generation, restartedB.groupMetadata().generationId(), "no new generation");
        for (int i = 0; i < 10; i++) {
            consumerA.poll(Duration.ofMillis(100));
        }
        assertEquals(rebalancesBefore, aRebalances.get(), "the other member was not disturbed");
        assertEquals(generation, consumerA.groupMetadata().generationId());
    }

    @Test
    void aMemberThatVanishesWithoutLeavingExpiresAfterItsSessionTimeout() throws Exception {
        // Long enough that the group can be described before the session runs out, even on a loaded machine.
        int sessionMs = 8000;
        int heartbeatMs = 1000;
        Map<String, Object> session = Map.of(
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, sessionMs,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, heartbeatMs);
        KafkaConsumer<String, String> stays = consumer("expiry", "stays", session);
        KafkaConsumer<String, String> vanishes = consumer("expiry", "vanishes", session);
        stays.subscribe(List.of(TOPIC));
        vanishes.subscribe(List.of(TOPIC));
        pollUntil(
                "both assigned",
                () -> stays.assignment().size() == 3 && vanishes.assignment().size() == 3,
                List.of(stays, vanishes));

        vanishes.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        open.remove(vanishes);
        long closedAt = System.nanoTime();
        assertEquals(2, describe("expiry").members().size(), "without a LeaveGroup the member is still there");

        pollUntil("all partitions", () -> stays.assignment().size() == 6, List.of(stays));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
        // the session counts from the member's last heartbeat, at most one heartbeat interval before the close
        assertTrue(
                elapsedMs >= sessionMs - heartbeatMs - 250,
                "taken over after " + elapsedMs + " ms, before the session timeout");
        assertEquals(1, describe("expiry").members().size());
    }

    private ConsumerGroupDescription describe(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group))
                .describedGroups()
                .get(group)
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void adminListsAndDescribesGroups() throws Exception {
        KafkaConsumer<String, String> c0 = consumer("analytics", "c0", Map.of());
        KafkaConsumer<String, String> c1 = consumer("analytics", "c1", Map.of());
        c0.subscribe(List.of(TOPIC));
        c1.subscribe(List.of(TOPIC));
        pollUntil(
                "both assigned",
                () -> c0.assignment().size() == 3 && c1.assignment().size() == 3,
                List.of(c0, c1));
        admin.alterConsumerGroupOffsets("solo", Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(3)))
                .all()
                .get(30, TimeUnit.SECONDS);

        Map<String, GroupListing> listed = new HashMap<>();
        admin.listGroups().all().get(30, TimeUnit.SECONDS).forEach(g -> listed.put(g.groupId(), g));
        assertEquals(Set.of("analytics", "solo"), listed.keySet());
        assertEquals(GroupType.CLASSIC, listed.get("analytics").type().orElseThrow());
        assertEquals(GroupState.STABLE, listed.get("analytics").groupState().orElseThrow());
        assertEquals("consumer", listed.get("analytics").protocol());
        assertTrue(listed.get("solo").isSimpleConsumerGroup());

        ConsumerGroupDescription description = describe("analytics");
        assertEquals(GroupState.STABLE, description.groupState());
        assertEquals(GroupType.CLASSIC, description.type());
        assertEquals("range", description.partitionAssignor());
        assertEquals(broker.broker().port(), description.coordinator().port());
        Set<TopicPartition> assigned = new HashSet<>();
        for (MemberDescription member : description.members()) {
            assertEquals(3, member.assignment().topicPartitions().size(), member.toString());
            assigned.addAll(member.assignment().topicPartitions());
            assertTrue(member.host().contains("127.0.0.1"), member.host());
        }
        assertEquals(6, assigned.size());
        assertEquals(
                Set.of("c0", "c1"),
                Set.of(description.members().stream()
                        .map(MemberDescription::clientId)
                        .toArray(String[]::new)));
    }

    @Test
    void adminDeletesOffsetsAndGroupsOnlyWhenNoMemberUsesThem() throws Exception {
        TopicPartition p0 = new TopicPartition(TOPIC, 0);
        TopicPartition p1 = new TopicPartition(TOPIC, 1);
        admin.alterConsumerGroupOffsets("idle", Map.of(p0, new OffsetAndMetadata(5), p1, new OffsetAndMetadata(6)))
                .all()
                .get(30, TimeUnit.SECONDS);
        admin.deleteConsumerGroupOffsets("idle", Set.of(p0)).all().get(30, TimeUnit.SECONDS);
        assertEquals(Map.of(p1, new OffsetAndMetadata(6)), withoutLeaderEpochs(committed("idle")));

        KafkaConsumer<String, String> busy = consumer("busy", "busy", Map.of());
        busy.subscribe(List.of(TOPIC));
        pollUntil("assigned", () -> busy.assignment().size() == 6, List.of(busy));
        busy.commitSync(Map.of(p0, new OffsetAndMetadata(1)));
        ExecutionException subscribed = assertThrows(
                ExecutionException.class,
                () -> admin.deleteConsumerGroupOffsets("busy", Set.of(p0)).all().get(30, TimeUnit.SECONDS));
        assertInstanceOf(GroupSubscribedToTopicException.class, subscribed.getCause());
        ExecutionException notEmpty = assertThrows(
                ExecutionException.class,
                () -> admin.deleteConsumerGroups(List.of("busy")).all().get(30, TimeUnit.SECONDS));
        assertInstanceOf(GroupNotEmptyException.class, notEmpty.getCause());

        busy.close();
        open.remove(busy);
        admin.deleteConsumerGroups(List.of("busy", "idle")).all().get(30, TimeUnit.SECONDS);
        assertTrue(committed("busy").isEmpty());
        assertTrue(committed("idle").isEmpty());
        ExecutionException gone = assertThrows(ExecutionException.class, () -> describe("busy"));
        assertInstanceOf(GroupIdNotFoundException.class, gone.getCause());
        assertTrue(admin.listGroups().all().get(30, TimeUnit.SECONDS).isEmpty());
    }

    private static Map<TopicPartition, OffsetAndMetadata> withoutLeaderEpochs(
            Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> plain = new HashMap<>();
        offsets.forEach((tp, o) -> plain.put(tp, new OffsetAndMetadata(o.offset(), o.metadata())));
        return plain;
    }
}
