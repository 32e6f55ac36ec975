package io.vertebra.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a Kafka client can observe: every compression codec round-trips, compaction leaves the latest value per
 * key, and retention moves the earliest offset — all through real kafka-clients.
 */
class ClientVisibleBehaviourTest {
    @TempDir
    Path dir;

    static List<ConsumerRecord<String, String>> readAll(TestBroker broker, String topic, long upTo) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = broker.consumer(Map.of())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < upTo && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd", "none"})
    void everyCodecRoundTrips(String codec) throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            try (KafkaProducer<String, String> producer =
                    broker.producer(Map.of("compression.type", codec, "linger.ms", "20", "batch.size", "65536"))) {
                for (int i = 0; i < 2000; i++) {
                    producer.send(
                            new ProducerRecord<>("codec-" + codec, 0, "k" + i, "value " + i + " ".repeat(i % 50)));
                }
                producer.flush();
            }
            List<ConsumerRecord<String, String>> records = readAll(broker, "codec-" + codec, 2000);
            assertEquals(2000, records.size());
            for (int i = 0; i < 2000; i++) {
                assertEquals(i, records.get(i).offset());
                assertEquals("value " + i + " ".repeat(i % 50), records.get(i).value());
            }
        }
    }

    @Test
    void compactionKeepsTheLatestValuePerKeyAsConsumersSeeIt() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.cleaner.backoff.ms", "100"));
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("compacted", 1, (short) 1)
                            .configs(Map.of(
                                    "cleanup.policy",
                                    "compact",
                                    "segment.bytes",
                                    "4096",
                                    "min.cleanable.dirty.ratio",
                                    "0.01"))))
                    .all()
                    .get();
            Map<String, String> latest = new HashMap<>();
            // small batches, so the active segment (never compacted) holds only the last few dozen records
            try (KafkaProducer<String, String> producer = broker.producer(Map.of("batch.size", "1024"))) {
                for (int i = 0; i < 3000; i++) {
                    String key = "key-" + (i % 20);
                    String value = "v" + i;
                    producer.send(new ProducerRecord<>("compacted", 0, key, value));
                    latest.put(key, value);
                }
                producer.flush();
            }
            Awaitility.await("the cleaner compacts the closed segments")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> readAll(broker, "compacted", 3000).size() < 500);
            List<ConsumerRecord<String, String>> records = readAll(broker, "compacted", 3000);
            Map<String, String> seen = new HashMap<>();
            long previous = -1;
            for (ConsumerRecord<String, String> r : records) {
                assertTrue(r.offset() > previous, "offsets stay increasing");
                previous = r.offset();
                seen.put(r.key(), r.value());
            }
            assertEquals(latest, seen, "the last value of every key survives compaction");
        }
    }

    @Test
    void retentionMovesTheEarliestOffset() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of("log.retention.check.interval.ms", "200"));
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("retained", 1, (short) 1)
                            .configs(Map.of(
                                    "segment.bytes", "4096", "retention.bytes", "8192", "file.delete.delay.ms", "0"))))
                    .all()
                    .get();
            try (KafkaProducer<String, String> producer = broker.producer(Map.of())) {
                for (int i = 0; i < 2000; i++) {
                    producer.send(new ProducerRecord<>("retained", 0, "k", "value-" + i));
                }
                producer.flush();
            }
            TopicPartition tp = new TopicPartition("retained", 0);
            Awaitility.await("retention deletes old segments")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                                    .partitionResult(tp)
                                    .get()
                                    .offset()
                            > 0);
            long earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                    .partitionResult(tp)
                    .get()
                    .offset();
            long latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get()
                    .offset();
            assertEquals(2000, latest);
            List<ConsumerRecord<String, String>> rest = readAll(broker, "retained", 2000);
            assertEquals(earliest, rest.get(0).offset(), "a consumer from the beginning starts at the new log start");
            assertEquals("value-1999", rest.get(rest.size() - 1).value());
        }
    }
}
