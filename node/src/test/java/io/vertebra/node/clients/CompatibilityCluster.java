package io.vertebra.node.clients;

import io.vertebra.testkit.VertebraCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * The Vertebra nodes a client-compatibility test runs a foreign client against (one node, or a cluster whose
 * partition leader it SIGKILLs), seen through kafka-clients 4.x: an {@link Admin} to create topics, find leaders,
 * await the ISR and read committed offsets, and a consumer that reads a topic back to compare with what the client
 * under test reported. Every wait here is on the nodes' answers, never on time.
 */
final class CompatibilityCluster implements AutoCloseable {
    private final Path dir;
    private final VertebraCluster nodes;
    private final Admin admin;

    private CompatibilityCluster(Path dir, VertebraCluster nodes) {
        this.dir = dir;
        this.nodes = nodes;
        this.admin = Admin.create(Map.of("bootstrap.servers", nodes.bootstrap()));
    }

    /**
     * Starts {@code size} nodes in {@code dir} (worker disabled) with {@code settings}, and waits until all are ready
     * and unfenced brokers: a node prints "ready" before the controller has heard from it, and a replicated topic
     * created in between fails with too few brokers.
     */
    static CompatibilityCluster start(Path dir, int size, String heap, Map<String, String> settings) {
        CompatibilityCluster cluster =
                new CompatibilityCluster(dir, VertebraCluster.start(dir, size, size, heap, settings));
        try {
            cluster.awaitLiveBrokers();
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    String bootstrap() {
        return nodes.bootstrap();
    }

    Admin admin() {
        return admin;
    }

    int size() {
        return nodes.size();
    }

    int kafkaPort(int id) {
        return nodes.node(id).kafkaPort();
    }

    /** The logs of every node started in this cluster's directory, killed ones included. */
    NodeLogs logs() {
        return new NodeLogs(dir);
    }

    /** Creates the topic; with three replicas it asks for {@code min.insync.replicas=2}, so acks=all survives a kill. */
    void createTopic(String topic, int partitions, int replicas) throws Exception {
        NewTopic t = new NewTopic(topic, partitions, (short) replicas);
        if (replicas == 3) {
            t.configs(Map.of("min.insync.replicas", "2"));
        }
        admin.createTopics(List.of(t)).all().get();
    }

    /** The value of one config of a topic, as DescribeConfigs answers it. */
    String topicConfig(String topic, String key) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource))
                .all()
                .get()
                .get(resource)
                .get(key)
                .value();
    }

    /** Every topic name, internal ones included. */
    Set<String> topicNames() throws Exception {
        return admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names()
                .get();
    }

    TopicDescription describe(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    }

    /** The metadata of one partition as it is now (no waiting). */
    TopicPartitionInfo partition(String topic, int partition) throws Exception {
        return describe(topic).partitions().get(partition);
    }

    /** Waits until every partition of {@code topic} has a leader and all nodes of the cluster in its ISR. */
    void awaitFullIsr(String topic) {
        Awaitility.await("ISR of " + size() + " for " + topic)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> describe(topic).partitions().stream()
                        .allMatch(p -> p.leader() != null && p.isr().size() == size()));
    }

    /** Waits until all nodes are brokers in the metadata (a fenced one, just restarted, is left out). */
    void awaitLiveBrokers() {
        Awaitility.await(size() + " live brokers")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> admin.describeCluster().nodes().get().size() == size());
    }

    /** Waits for a leader of the partition that is a running node (not one killed) and returns its id. */
    int leaderOf(String topic, int partition) {
        AtomicInteger leader = new AtomicInteger(-1);
        Awaitility.await("a live leader for " + topic + "-" + partition)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    Node n = partition(topic, partition).leader();
                    if (n == null || n.id() < 0 || !nodes.node(n.id()).process().isAlive()) {
                        return false;
                    }
                    leader.set(n.id());
                    return true;
                });
        return leader.get();
    }

    /** SIGKILLs node {@code id}: no shutdown, no flush, its connections reset. */
    void kill(int id) {
        nodes.node(id).process().kill();
    }

    /** Starts a killed node again on its data and waits until it is ready. */
    void restart(int id) {
        nodes.restart(id);
    }

    /** The group's committed offsets (partitions without a commit left out). */
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

    /** Waits until the group's committed offsets in {@code topic} are {@code expected} (partition -> offset). */
    void awaitCommitted(String group, String topic, Map<Integer, Long> expected) {
        Awaitility.await("committed offsets of " + group + ": " + expected)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    Map<Integer, Long> got = new TreeMap<>();
                    committed(group).forEach((tp, offset) -> {
                        if (tp.topic().equals(topic)) {
                            got.put(tp.partition(), offset);
                        }
                    });
                    return got.equals(new TreeMap<>(expected));
                });
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

    /**
     * Reads every partition of {@code topic} from its start to the end offset it has now with kafka-clients, and
     * returns the records by partition.
     */
    Map<TopicPartition, List<ConsumerRecord<String, String>>> readToEnd(String topic, int partitions) {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> read = new HashMap<>();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
            read.put(tps.get(p), new ArrayList<>());
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers",
                bootstrap(),
                "key.deserializer",
                StringDeserializer.class.getName(),
                "value.deserializer",
                StringDeserializer.class.getName()))) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            Awaitility.await("kafka-clients reads " + topic + " to its end " + end)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200))
                                .forEach(r -> read.get(new TopicPartition(r.topic(), r.partition()))
                                        .add(r));
                        return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
                    });
        }
        return read;
    }

    /** Every record of {@code topic}, partition after partition, read by {@link #readToEnd}. */
    List<ConsumerRecord<String, String>> readAll(String topic, int partitions) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        readToEnd(topic, partitions).values().forEach(all::addAll);
        return all;
    }

    /** Stops the nodes, then copies their logs into {@code target} for diagnosis. */
    void closeKeepingLogs(Path target) throws IOException {
        close();
        logs().keepIn(target);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        nodes.close();
    }
}
