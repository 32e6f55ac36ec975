package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL of the node while an acks=all producer writes; after a restart on the same data directory every
 * acknowledged record is there, in order, with no gap and no corrupt batch. With {@code flush.messages=1} each
 * acknowledged write was fsynced; with the default policy the page cache survives a process kill and recovery
 * validates the tail.
 */
class CrashRecoveryIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "flush.messages={0}")
    @ValueSource(strings = {"1", "default"})
    void acknowledgedRecordsSurviveSigkill(String flushMessages) throws Exception {
        Path data = dir.resolve("data");
        NodeProcess node = NodeProcess.startReady(data);
        ConcurrentSkipListMap<Long, String> acked = new ConcurrentSkipListMap<>();
        try {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrap()))) {
                NewTopic topic = new NewTopic("crash", 1, (short) 1);
                if (!flushMessages.equals("default")) {
                    topic.configs(Map.of("flush.messages", flushMessages));
                }
                admin.createTopics(List.of(topic)).all().get();
            }
            Properties p = new Properties();
            p.put("bootstrap.servers", node.bootstrap());
            p.put("acks", "all");
            p.put("linger.ms", "1");
            p.put("delivery.timeout.ms", "5000");
            p.put("request.timeout.ms", "2000");
            p.put("key.serializer", StringSerializer.class.getName());
            p.put("value.serializer", StringSerializer.class.getName());
            AtomicBoolean stop = new AtomicBoolean();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
                Thread writer = new Thread(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String value = "value-" + i;
                        producer.send(new ProducerRecord<>("crash", 0, null, value), (metadata, error) -> {
                            if (error == null) {
                                acked.put(metadata.offset(), value);
                            }
                        });
                    }
                });
                writer.start();
                org.awaitility.Awaitility.await("acknowledged writes before the kill")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> acked.size() >= 3000);
                node.process.kill();
                stop.set(true);
                writer.join(30_000);
            }
        } finally {
            node.close();
        }
        assertTrue(acked.size() >= 3000);

        NodeProcess restarted = NodeProcess.start(data, node.kafkaPort, node.restPort);
        try {
            restarted.awaitReady();
            assertTrue(
                    restarted.process.output().contains("vertebra: recovering the logs in "),
                    "start says it recovers after a kill:\n" + restarted.process.output());
            long last = acked.lastKey();
            List<ConsumerRecord<String, String>> records =
                    NodeLifecycleIT.consume(restarted.bootstrap(), "crash", (int) last + 1);
            assertTrue(
                    records.size() >= last + 1,
                    "all acknowledged offsets readable: " + records.size() + " < " + (last + 1));
            List<Long> offsets = new ArrayList<>();
            records.forEach(r -> offsets.add(r.offset()));
            for (int i = 0; i < records.size(); i++) {
                assertEquals(i, offsets.get(i), "offsets are dense and ordered");
            }
            for (var e : acked.entrySet()) {
                assertEquals(
                        e.getValue(),
                        records.get(e.getKey().intValue()).value(),
                        "acknowledged record at offset " + e.getKey());
            }
        } finally {
            restarted.close();
        }
    }
}
