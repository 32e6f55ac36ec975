package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.node.cdc.Rest;
import io.vertebra.node.cdc.VertebraNode;
import io.vertebra.testkit.ConnectWorker;
import io.vertebra.testkit.KafkaDistribution;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own {@code FileStreamSourceConnector} (connect-file 4.3, unchanged) on a Vertebra node resumes from
 * its committed offset after a task restart over REST and after a SIGKILL of the node: every line of the file is in
 * the topic exactly once and the task never fails. Its task insists on a {@code Long} position ("Offset position is
 * the incorrect type"), so this fails unless offsets come back with Kafka Connect's types.
 */
class FileStreamSourceResumeIT {
    private static final String CONNECTOR = "file-lines";
    private static final String TOPIC = "file-lines";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void resumesAfterATaskRestartAndANodeKillWithoutDuplicates() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins/kafka-connect-file"));
        Files.copy(KafkaDistribution.jar("connect-file"), plugins.resolve("connect-file.jar"));
        Path config = Files.writeString(dir.resolve("node.properties"), "offset.flush.interval.ms=500\n");
        Path input = dir.resolve("in.txt");
        append(input, 0, 200);
        try (VertebraNode node = VertebraNode.start(
                dir.resolve("node"),
                plugins.getParent().toString(),
                Map.of(),
                List.of("--config", config.toString()))) {
            Rest rest = node.rest();
            awaitHealthy(rest);
            Rest.Answer created = rest.post("/connectors", """
                    {"name": "%s", "config": {"connector.class": "FileStreamSource", "tasks.max": "1",
                      "file": "%s", "topic": "%s"}}""".formatted(CONNECTOR, input, TOPIC), "application/json");
            assertEquals(201, created.status(), created.body());
            awaitAllLinesOnce(node, input, 200);

            // a task restart: the task starts again from the offset it committed when it stopped
            assertEquals(
                    204,
                    rest.post("/connectors/" + CONNECTOR + "/tasks/0/restart", "", "application/json")
                            .status());
            append(input, 200, 300);
            awaitAllLinesOnce(node, input, 300);

            // SIGKILL: no final commit; the committed offset (awaited above) is where the new node resumes
            node.kill();
            append(input, 300, 450);
            node.restart();
            awaitHealthy(rest);
            awaitAllLinesOnce(node, input, 450);
        }
    }

    /**
     * The same offset topic used by Apache Kafka Connect 4.3 (a real worker JVM, against the node's broker) and by
     * the node's own worker, one after the other, for the same connector name: each resumes where the other stopped.
     */
    @Test
    void resumesWhereApacheKafkaConnectStoppedAndTheOtherWayRound() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins/kafka-connect-file"));
        Files.copy(KafkaDistribution.jar("connect-file"), plugins.resolve("connect-file.jar"));
        // Kafka Connect shares the node's worker's offset topic, which only the node and super.users may write; on
        // this PLAINTEXT node Kafka Connect is User:ANONYMOUS
        Path config = Files.writeString(
                dir.resolve("node.properties"), "offset.flush.interval.ms=500\nsuper.users=User:ANONYMOUS\n");
        Path input = dir.resolve("shared.txt");
        Map<String, String> connector = ConnectWorker.config(
                "connector.class",
                "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "tasks.max",
                "1",
                "file",
                input.toString(),
                "topic",
                TOPIC);
        Map<String, String> kafkaConnectSettings = Map.of(
                "offset.storage.topic", "connect-offsets", // the node's worker's offset topic
                "offset.flush.interval.ms", "500");
        append(input, 0, 100);
        try (VertebraNode node = VertebraNode.start(
                dir.resolve("node"),
                plugins.getParent().toString(),
                Map.of(),
                List.of("--config", config.toString()))) {
            awaitHealthy(node.rest());
            try (ConnectWorker kafkaConnect = ConnectWorker.start(
                    dir.resolve("connect-1"),
                    node.bootstrapServers(),
                    plugins.getParent(),
                    "384m",
                    kafkaConnectSettings)) {
                kafkaConnect.putConnector(CONNECTOR, connector);
                await("Apache Kafka Connect copied the first 100 lines and committed their offset")
                        .atMost(PATIENCE)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() ->
                                recordCount(node) >= 100 && kafkaConnectPosition(kafkaConnect) == Files.size(input));
            } // a graceful stop commits again
            assertEquals(expectedLines(100), topicLines(node));

            append(input, 100, 150);
            Rest.Answer created =
                    node.rest().put("/connectors/" + CONNECTOR + "/config", Rest.JSON.writeValueAsString(connector));
            assertEquals(201, created.status(), created.body());
            awaitAllLinesOnce(node, input, 150);
            assertEquals(204, node.rest().delete("/connectors/" + CONNECTOR).status());

            append(input, 150, 200);
            try (ConnectWorker kafkaConnect = ConnectWorker.start(
                    dir.resolve("connect-2"),
                    node.bootstrapServers(),
                    plugins.getParent(),
                    "384m",
                    kafkaConnectSettings)) {
                kafkaConnect.putConnector(CONNECTOR, connector);
                await("Apache Kafka Connect resumed where the node's worker stopped")
                        .atMost(PATIENCE)
                        .pollInterval(Duration.ofMillis(250))
                        .failFast(
                                "its task failed",
                                () -> kafkaConnect.status(CONNECTOR).contains("FAILED"))
                        .until(() ->
                                recordCount(node) >= 200 && kafkaConnectPosition(kafkaConnect) == Files.size(input));
                assertEquals(expectedLines(200), topicLines(node), "every line once, in order");
            }
        }
    }

    /** The committed position as Apache Kafka Connect reports it ({@code GET /connectors/NAME/offsets}), or -1. */
    private static long kafkaConnectPosition(ConnectWorker worker) throws IOException {
        JsonNode offsets = Rest.JSON
                .readTree(worker.get("/connectors/" + CONNECTOR + "/offsets").body())
                .path("offsets");
        return offsets.size() == 1 ? offsets.get(0).at("/offset/position").asLong(-1) : -1;
    }

    /** GET /health answers 200 once the worker completed its start (GET /connectors answers earlier). */
    static void awaitHealthy(Rest rest) {
        await("the worker completed its start").atMost(PATIENCE).until(() -> rest.status("/health") == 200);
    }

    /**
     * Waits until the topic holds {@code lines} records and the committed offset is the end of the file, then checks
     * the topic holds exactly the file's lines, in order, and the task runs.
     */
    private void awaitAllLinesOnce(VertebraNode node, Path input, int lines) throws IOException {
        long fileSize = Files.size(input);
        await("the topic holds all " + lines + " lines and the offset is at byte " + fileSize)
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(250))
                .failFast("the task failed", () -> "FAILED".equals(node.rest().taskState(CONNECTOR, 0)))
                .until(() -> recordCount(node) >= lines && committedPosition(node.rest()) == fileSize);
        assertEquals(expectedLines(lines), topicLines(node), "every line once, in order");
        assertEquals(
                "RUNNING",
                node.rest().taskState(CONNECTOR, 0),
                node.rest().get("/connectors/" + CONNECTOR + "/status").body());
    }

    /** The committed position from {@code GET /connectors/NAME/offsets} (KIP-875), or -1 before the first commit. */
    private static long committedPosition(Rest rest) {
        JsonNode offsets =
                rest.get("/connectors/" + CONNECTOR + "/offsets").json().path("offsets");
        if (offsets.size() != 1) {
            return -1;
        }
        JsonNode entry = offsets.get(0);
        assertTrue(entry.at("/partition/filename").isTextual(), entry.toString());
        JsonNode position = entry.at("/offset/position");
        assertTrue(position.isIntegralNumber(), entry.toString());
        return position.asLong();
    }

    private static List<String> expectedLines(int lines) {
        return IntStream.range(0, lines)
                .mapToObj(FileStreamSourceResumeIT::line)
                .toList();
    }

    private static String line(int i) {
        return "line " + i + " of the file";
    }

    private static void append(Path file, int from, int to) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(line(i)).append('\n');
        }
        Files.writeString(
                file, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(VertebraNode node) {
        return new KafkaConsumer<>(
                Map.of("bootstrap.servers", node.bootstrapServers(), "enable.auto.commit", "false"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    private static long recordCount(VertebraNode node) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(node)) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(TOPIC, p.partition()))
                    .toList();
            return consumer.endOffsets(partitions, Duration.ofSeconds(10)).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    /** Every record of the topic (one partition), read from the start; the values are the file's lines. */
    private static List<String> topicLines(VertebraNode node) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(node)) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            assertEquals(
                    1, consumer.partitionsFor(TOPIC, Duration.ofSeconds(10)).size());
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            List<String> out = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> out.add(jsonString(r.value())));
            }
            return out;
        }
    }

    /** The node's default value converter is JsonConverter: a line is a JSON string, in an envelope with schemas. */
    private static String jsonString(byte[] value) {
        try {
            JsonNode json = Rest.JSON.readTree(value);
            return json.has("payload") ? json.get("payload").asText() : json.asText();
        } catch (IOException e) {
            throw new IllegalStateException(new String(value, StandardCharsets.UTF_8), e);
        }
    }
}
