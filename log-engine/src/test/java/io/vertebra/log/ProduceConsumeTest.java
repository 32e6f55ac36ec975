package io.vertebra.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProduceConsumeTest {
    @TempDir
    Path dir;

    @Test
    void roundTripWithRealClients() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("greetings", 3, (short) 1)))
                    .all()
                    .get();
            List<RecordMetadata> sent = new ArrayList<>();
            try (KafkaProducer<String, String> producer = broker.producer(Map.of("acks", "all"))) {
                for (int i = 0; i < 1000; i++) {
                    sent.add(producer.send(new ProducerRecord<>("greetings", i % 3, "k" + i, "v" + i))
                            .get());
                }
            }
            assertEquals(333, sent.get(999).offset());
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = broker.consumer(Map.of())) {
                consumer.assign(List.of(
                        new TopicPartition("greetings", 0),
                        new TopicPartition("greetings", 1),
                        new TopicPartition("greetings", 2)));
                long deadline = System.currentTimeMillis() + 30_000;
                while (received.size() < 1000 && System.currentTimeMillis() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                }
            }
            assertEquals(1000, received.size());
        }
    }
}
