package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, findings 7 and 8, on real node processes: a byte flipped in the middle of a partition's active segment
 * followed by a SIGKILL costs no acknowledged record. On a single node the partition comes back offline (clients get
 * KAFKA_STORAGE_ERROR), the others serve — as does the node when another partition's log cannot be opened at all —
 * and {@code GET /health} says {@code degraded}, naming each offline partition and why, while {@code /ready} stays
 * 200; {@code vertebra log repair} brings back every valid batch; in a cluster the corrupt replica re-fetches from
 * the leader.
 */
class LogCorruptionIT {
    private static final int RECORDS = 200;

    @TempDir
    Path dir;

    @Test
    void singleNodeKeepsTheCorruptPartitionOfflineUntilRepairedAndServesTheOthers() throws Exception {
        Path data = dir.resolve("data");
        NodeProcess node = NodeProcess.startReady(data);
        try {
            createTopics(node.bootstrap(), 1, "corrupt", "good", "unopenable");
            for (String topic : List.of("corrupt", "good", "unopenable")) {
                produce(node.bootstrap(), topic);
            }
            node.process.kill();
        } finally {
            node.close();
        }
        Path logDir = data.resolve("log");
        long badOffset = flipByteInTheMiddle(logDir.resolve("corrupt-0"));
        Path unopenable = logDir.resolve("unopenable-0").resolve("00000000000000000000.log");
        Files.delete(unopenable);
        Files.createDirectory(unopenable); // a segment that cannot be opened

        NodeProcess restarted = NodeProcess.start(data, node.kafkaPort, node.restPort);
        try {
            restarted.awaitReady();
            String output = restarted.process.output();
            assertTrue(output.contains("corrupt-0") && output.contains("not a torn tail"), output);
            assertTrue(output.contains("cannot open the log of unopenable-0"), output);
            assertTrue(output.contains("vertebra: partition corrupt-0 is OFFLINE on this node"), output);
            JsonNode health = awaitStartedHealth(restarted.restPort);
            assertEquals("degraded", health.get("status").asText(), health.toString());
            assertTrue(
                    health.at("/checks/partitions/details/corrupt-0").asText().contains("not a torn tail"),
                    health.toString());
            assertTrue(
                    health.at("/checks/partitions/details/unopenable-0")
                            .asText()
                            .contains("cannot open the log of unopenable-0"),
                    health.toString());
            // the node serves its other partitions: ready once the worker joined its group, offline logs or not
            Awaitility.await("GET /ready answers 200")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> http(restarted.restPort, "/ready").statusCode() == 200);
            HttpResponse<String> ready = http(restarted.restPort, "/ready");
            assertTrue(ready.body().contains("\"partitions\":{\"ready\":true"), ready.body());
            assertTrue(ready.body().contains("corrupt-0"), ready.body());
            assertEquals(
                    RECORDS,
                    NodeLifecycleIT.consume(restarted.bootstrap(), "good", RECORDS)
                            .size());
            ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> produceOne(restarted.bootstrap(), "corrupt"));
            assertInstanceOf(KafkaStorageException.class, refused.getCause(), refused.toString());

            CliRun whileRunning = CliRun.run(dir, "", "", null, "log", "repair", "--data-dir", data.toString());
            assertEquals(1, whileRunning.exit(), whileRunning.toString());
            assertTrue(whileRunning.err().contains("in use by another Vertebra node"), whileRunning.err());
        } finally {
            restarted.close();
        }

        CliRun status = CliRun.run(dir, "", "", null, "log", "status", "--data-dir", data.toString());
        assertTrue(
                status.out().contains("corrupt-0: ") && status.out().contains("offset " + badOffset),
                status.toString());
        CliRun repair =
                CliRun.run(dir, "", "", null, "log", "repair", "--data-dir", data.toString(), "--topic", "corrupt");
        assertEquals(0, repair.exit(), repair.toString());
        assertTrue(repair.out().contains((RECORDS - 1) + " batches restored"), repair.out());

        NodeProcess repaired = NodeProcess.start(data, node.kafkaPort, node.restPort);
        try {
            repaired.awaitReady();
            List<ConsumerRecord<String, String>> records =
                    NodeLifecycleIT.consume(repaired.bootstrap(), "corrupt", RECORDS - 1);
            List<Long> offsets = new ArrayList<>();
            records.forEach(r -> offsets.add(r.offset()));
            assertEquals(RECORDS - 1, records.size(), "every batch but the corrupt one: " + offsets);
            for (ConsumerRecord<String, String> r : records) {
                assertEquals("value-" + r.offset(), r.value());
            }
            assertTrue(!offsets.contains(badOffset) && offsets.contains(badOffset + 1), offsets.toString());
            assertEquals(RECORDS, produceOne(repaired.bootstrap(), "corrupt"), "producers continue after the end");
            JsonNode health = awaitStartedHealth(repaired.restPort);
            assertTrue(!health.at("/checks/partitions/details").has("corrupt-0"), health.toString());
            assertTrue(health.at("/checks/partitions/details").has("unopenable-0"), health.toString());
        } finally {
            repaired.close();
        }
    }

    @Test
    void aCorruptReplicaInAClusterReFetchesFromTheLeader() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            admin.createTopics(List.of(
                            new NewTopic("replicated", 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all()
                    .get();
            awaitIsr(admin, 3);
            produce(cluster.bootstrap(), "replicated");
            int victim = partition(admin).leader().id();
            NodeProcess node = cluster.node(victim);
            node.process.kill();
            awaitIsr(admin, 2);
            flipByteInTheMiddle(node.dataDir.resolve("log").resolve("replicated-0"));

            cluster.restart(victim);
            awaitIsr(admin, 3);
            String output = cluster.node(victim).process.output();
            assertTrue(output.contains("not a torn tail"), output);
            assertTrue(output.contains("re-fetching the partition from its leader"), output);

            // the re-fetched replica leads again and serves every acknowledged record
            admin.electLeaders(ElectionType.PREFERRED, java.util.Set.of(new TopicPartition("replicated", 0)))
                    .all()
                    .get();
            Awaitility.await("the re-fetched replica leads")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> partition(admin).leader().id() == victim);
            List<ConsumerRecord<String, String>> records =
                    NodeLifecycleIT.consume(cluster.node(victim).bootstrap(), "replicated", RECORDS);
            assertEquals(RECORDS, records.size());
            for (ConsumerRecord<String, String> r : records) {
                assertEquals("value-" + r.offset(), r.value());
            }
        }
    }

    private static TopicPartitionInfo partition(Admin admin) throws Exception {
        return admin.describeTopics(List.of("replicated"))
                .allTopicNames()
                .get()
                .get("replicated")
                .partitions()
                .get(0);
    }

    private static HttpResponse<String> http(int restPort, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + restPort + path))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /health} once the worker has started (200). */
    private static JsonNode awaitStartedHealth(int restPort) {
        JsonNode[] body = new JsonNode[1];
        Awaitility.await("GET /health answers 200")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> {
                    HttpResponse<String> answer = http(restPort, "/health");
                    body[0] = new ObjectMapper().readTree(answer.body());
                    return answer.statusCode() == 200;
                });
        return body[0];
    }

    private static void awaitIsr(Admin admin, int size) {
        Awaitility.await("ISR of " + size)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> partition(admin).isr().size() == size
                        && partition(admin).leader() != null);
    }

    private static void createTopics(String bootstrap, int replicas, String... names) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : names) {
                topics.add(new NewTopic(name, 1, (short) replicas));
            }
            admin.createTopics(topics).all().get();
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("retries", "0");
        p.put("enable.idempotence", "false");
        p.put("delivery.timeout.ms", "10000");
        p.put("request.timeout.ms", "5000");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** value-0..value-199 at offsets 0..199, one acknowledged batch each. */
    private static void produce(String bootstrap, String topic) throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            for (int i = 0; i < RECORDS; i++) {
                long offset = producer.send(new ProducerRecord<>(topic, 0, null, "value-" + i))
                        .get()
                        .offset();
                assertEquals(i, offset);
            }
        }
    }

    private static long produceOne(String bootstrap, String topic) throws Exception {
        try (KafkaProducer<String, String> producer = producer(bootstrap)) {
            return producer.send(new ProducerRecord<>(topic, 0, null, "value-" + RECORDS))
                    .get()
                    .offset();
        }
    }

    /** Flips a byte inside the records of the middle batch of the partition's first segment; returns its offset. */
    private static long flipByteInTheMiddle(Path partitionDir) throws Exception {
        Path segment = partitionDir.resolve("00000000000000000000.log");
        List<long[]> batches = new ArrayList<>();
        long position = 0;
        try (FileRecords records = FileRecords.open(segment.toFile())) {
            for (FileChannelRecordBatch batch : records.batches()) {
                batches.add(new long[] {batch.baseOffset(), position, batch.sizeInBytes()});
                position += batch.sizeInBytes();
            }
        }
        assertEquals(RECORDS, batches.size(), "one batch per acknowledged record");
        long[] middle = batches.get(batches.size() / 2);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            long at = middle[1] + middle[2] - 4;
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0x5A);
        }
        return middle[0];
    }
}
