package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vertebra start} as a user runs it: ready line, data kept across a clean restart, lock, SIGTERM. */
class NodeLifecycleIT {
    @TempDir
    Path dir;

    @Test
    void startsServesStopsCleanlyAndKeepsData() throws Exception {
        Path data = dir.resolve("data");
        NodeProcess node = NodeProcess.startReady(data);
        try {
            assertTrue(node.awaitReady().contains("kafka=127.0.0.1:" + node.kafkaPort), node.process.output());
            produce(node.bootstrap(), "lifecycle", 100);
            assertEquals(100, consume(node.bootstrap(), "lifecycle", 100).size());

            NodeProcess second =
                    NodeProcess.start(data, io.vertebra.testkit.Ports.free(), io.vertebra.testkit.Ports.free());
            int exit = second.process.awaitExit(Duration.ofSeconds(60));
            assertNotEquals(0, exit, "a second node on the same data directory must refuse to start");
            assertTrue(second.process.output().contains("in use by another Vertebra node"), second.process.output());

            String started = node.process.output();
            assertTrue(
                    started.contains("vertebra: opening the logs in "), "a line before each long phase:\n" + started);
            assertTrue(started.contains("vertebra: loading plugins from "), started);
            assertTrue(started.contains("vertebra: starting the Connect worker"), started);
            await("the worker's consumer groups are coordinated")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> node.process.output().contains("coordinating 0 group(s) of partition"));

            assertEquals(0, node.process.terminate(Duration.ofSeconds(60)), "SIGTERM must exit 0 after a clean stop");
            String stopped = node.process.output();
            assertFalse(
                    stopped.contains("no longer coordinating partition"),
                    "no line per partition at shutdown:\n" + stopped);
            assertTrue(stopped.contains(" partition(s) of __consumer_offsets ("), "one summary line:\n" + stopped);
            assertTrue(java.nio.file.Files.exists(data.resolve("log/.clean-shutdown")), "clean shutdown marker");
        } finally {
            node.close();
        }

        NodeProcess restarted = NodeProcess.start(data, node.kafkaPort, node.restPort);
        try {
            restarted.awaitReady();
            assertTrue(restarted.process.output().contains("vertebra: opening the logs in "), "clean: no recovery");
            List<ConsumerRecord<String, String>> records = consume(restarted.bootstrap(), "lifecycle", 100);
            assertEquals(100, records.size());
            assertEquals("v0", records.get(0).value());
            assertEquals("v99", records.get(99).value());
        } finally {
            restarted.close();
        }
    }

    static void produce(String bootstrap, String topic, int count) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<java.util.concurrent.Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)));
            }
            for (var f : sends) {
                f.get();
            }
        }
    }

    static List<ConsumerRecord<String, String>> consume(String bootstrap, String topic, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
