package io.vertebra.node.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one single-partition topic of schemaless JSON change events from the beginning, keeping every value read so
 * far ({@code null} for a tombstone). Each {@link #events()} call reads what arrived since the last one. One thread.
 */
public final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final List<JsonNode> events = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        p.put("allow.auto.create.topics", "false"); // the connector creates its topics
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(new TopicPartition(topic, 0)));
        consumer.seekToBeginning(consumer.assignment());
    }

    /** Every event of the topic read so far, after reading what is there now. */
    public List<JsonNode> events() {
        for (var record : consumer.poll(Duration.ofMillis(500))) {
            try {
                events.add(record.value() == null ? null : Rest.JSON.readTree(record.value()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return events;
    }

    /** How many events so far have operation {@code op} ({@code r}, {@code c}, {@code u}, {@code d}). */
    public long count(String op) {
        return events().stream()
                .filter(e -> e != null && op.equals(e.path("op").asText()))
                .count();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
