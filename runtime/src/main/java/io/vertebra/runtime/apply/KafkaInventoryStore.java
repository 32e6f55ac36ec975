package io.vertebra.runtime.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.runtime.cluster.TopicLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The inventories on a compacted one-partition topic ({@code apply.storage.topic}, default {@code vertebra-apply}):
 * one record per Connect cluster and set, key {@code <group.id>/<set>}, value
 * {@code {"connectors": [...], "topics": [...]}}, a tombstone for an empty inventory. Each read goes over the
 * topic from its start to its end (a handful of records), so any worker sees what any other wrote; nothing runs
 * between applies.
 */
public final class KafkaInventoryStore implements InventoryStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final String group;
    private final short replicationFactor;
    private final Admin admin;
    private final Map<String, Object> producerConfig;
    private final Map<String, Object> consumerConfig;

    public KafkaInventoryStore(
            String topic,
            String group,
            short replicationFactor,
            Admin admin,
            Map<String, Object> producerConfig,
            Map<String, Object> consumerConfig) {
        this.topic = topic;
        this.group = group;
        this.replicationFactor = replicationFactor;
        this.admin = admin;
        this.producerConfig = producerConfig;
        this.consumerConfig = consumerConfig;
    }

    @Override
    public Map<String, Inventory> readAll() {
        TopicLog.ensureCompactedTopic(admin, topic, 1, replicationFactor);
        Map<String, Object> c = new HashMap<>(consumerConfig);
        c.remove("group.id");
        c.put("enable.auto.commit", "false");
        c.put("isolation.level", "read_committed");
        Map<String, Inventory> out = new TreeMap<>();
        String prefix = group + "/";
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position(tp, Duration.ofSeconds(30)) < end) {
                if (System.nanoTime() > deadline) {
                    throw new ConnectException("cannot read the apply inventories in " + topic + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (!key.startsWith(prefix)) {
                        continue; // another Connect cluster's set
                    }
                    String set = key.substring(prefix.length());
                    if (r.value() == null) {
                        out.remove(set);
                    } else {
                        out.put(set, decode(r.value()));
                    }
                }
            }
        }
        return out;
    }

    @Override
    public void write(String set, Inventory inventory) {
        TopicLog.ensureCompactedTopic(admin, topic, 1, replicationFactor);
        Map<String, Object> p = new HashMap<>(producerConfig);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        byte[] key = (group + "/" + set).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, key, inventory.isEmpty() ? null : encode(inventory)))
                    .get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while writing the inventory of apply set " + set, e);
        } catch (Exception e) {
            throw new ConnectException("cannot write the inventory of apply set " + set + " to " + topic + ": " + e, e);
        }
    }

    static byte[] encode(Inventory inventory) {
        ObjectNode o = JSON.createObjectNode();
        inventory.connectors().stream().sorted().forEach(o.putArray("connectors")::add);
        inventory.topics().stream().sorted().forEach(o.putArray("topics")::add);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Inventory decode(byte[] value) {
        try {
            JsonNode o = JSON.readTree(value);
            Set<String> connectors = new HashSet<>();
            o.path("connectors").forEach(n -> connectors.add(n.asText()));
            Set<String> topics = new HashSet<>();
            o.path("topics").forEach(n -> topics.add(n.asText()));
            return new Inventory(connectors, topics);
        } catch (IOException e) {
            throw new ConnectException("unreadable apply inventory record: " + e.getMessage(), e);
        }
    }
}
