package io.vertebra.runtime.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.runtime.ConnectRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache Kafka's own connect-file 4.3 plugin, unchanged, on a Vertebra worker against a real Apache Kafka 4.3
 * broker: file → topic → file driven over REST with JSON and YAML bodies; SMTs, converters, errors.tolerance with
 * a dead letter queue, and a plugin dropped into the plugin path while the worker runs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilePipelineIT {
    @TempDir
    static Path dir;

    private Path plugins;
    private ConnectRuntime worker;
    private Rest rest;
    private String bootstrap;

    @BeforeAll
    void startWorker() throws Exception {
        bootstrap = SharedKafka.bootstrapServers();
        plugins = Files.createDirectories(dir.resolve("plugins"));
        Map<String, String> config = Workers.config(bootstrap, Workers.uniqueCluster("pipeline"), plugins);
        // placeholders resolve only through providers the worker config enables, confined to the test's directory
        config.put("config.providers", "file");
        config.put("config.providers.file.param.allowed.paths", dir.toString());
        worker = ConnectRuntime.start(config);
        rest = new Rest(worker.restPort());
        // the plugin path starts empty: connect-file arrives while the worker runs
        assertTrue(
                rest.get("/connector-plugins").body().equals("[]"),
                rest.get("/connector-plugins").body());
        Workers.installConnectFile(plugins);
        await("connect-file is picked up without a restart")
                .atMost(Duration.ofSeconds(15))
                .until(() -> rest.get("/connector-plugins").body().contains("FileStreamSourceConnector"));
    }

    @AfterAll
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void fileToTopicToFileWithJsonAndYamlBodies() throws Exception {
        Path input = dir.resolve("in.txt");
        Path output = dir.resolve("out.txt");
        List<String> lines =
                IntStream.range(0, 5000).mapToObj(i -> "line " + i + " héllo").toList();
        Files.write(input, lines, StandardCharsets.UTF_8);

        Rest.Answer created = rest.json("POST", "/connectors", """
                {"name": "file-in", "config": {
                  "connector.class": "FileStreamSource", "tasks.max": 1,
                  "file": "%s", "topic": "lines-json"}}""".formatted(input));
        assertEquals(201, created.status(), created.body());
        assertEquals("/connectors/file-in", created.location());
        assertEquals("1", created.json().at("/config/tasks.max").asText(), "numbers are stored as strings");

        Rest.Answer sink = rest.yaml("PUT", "/connectors/file-out/config", """
                connector.class: org.apache.kafka.connect.file.FileStreamSinkConnector
                tasks.max: 1
                topics: lines-json
                file: %s
                """.formatted(output));
        assertEquals(201, sink.status(), sink.body());

        await("every line arrives in the sink file, in order")
                .atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(output) && Files.readAllLines(output).size() >= lines.size());
        assertEquals(lines, Files.readAllLines(output, StandardCharsets.UTF_8));

        JsonNode status = rest.get("/connectors/file-in/status").json();
        assertEquals("RUNNING", status.at("/connector/state").asText(), status.toString());
        assertEquals("RUNNING", status.at("/tasks/0/state").asText(), status.toString());
        assertEquals("source", status.at("/type").asText());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> rest.get("/connectors/file-in/topics")
                        .body()
                        .equals("{\"file-in\":{\"topics\":[\"lines-json\"]}}"));
        await("source offsets are committed after the records were acknowledged")
                .atMost(Duration.ofSeconds(20))
                .until(() -> rest.get("/connectors/file-in/offsets").body().contains("\"position\""));

        assertEquals(204, rest.delete("/connectors/file-in").status());
        assertEquals(204, rest.delete("/connectors/file-out").status());
        assertEquals(404, rest.get("/connectors/file-in").status());
    }

    @Test
    void transformsRouteAndConvertersCarryStrings() throws Exception {
        Path input = dir.resolve("smt-in.txt");
        Path output = dir.resolve("smt-out.txt");
        List<String> lines = IntStream.range(0, 300).mapToObj(i -> "event-" + i).toList();
        Files.write(input, lines);
        Rest.Answer source = rest.json("POST", "/connectors", """
                {"name": "smt-in", "config": {
                  "connector.class": "FileStreamSourceConnector", "file": "%s", "topic": "raw-events",
                  "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                  "transforms": "route",
                  "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
                  "transforms.route.regex": "raw-(.*)",
                  "transforms.route.replacement": "routed-$1"}}""".formatted(input));
        assertEquals(201, source.status(), source.body());
        Rest.Answer sink = rest.json("POST", "/connectors", """
                {"name": "smt-out", "config": {
                  "connector.class": "FileStreamSink", "file": "%s", "topics": "routed-events",
                  "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                  "transforms": "mark,onlyRouted",
                  "transforms.mark.type": "org.apache.kafka.connect.transforms.InsertHeader",
                  "transforms.mark.header": "seen", "transforms.mark.value.literal": "yes",
                  "transforms.onlyRouted.type": "org.apache.kafka.connect.transforms.Filter",
                  "transforms.onlyRouted.predicate": "isOther",
                  "predicates": "isOther",
                  "predicates.isOther.type": "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
                  "predicates.isOther.pattern": "other-.*"}}""".formatted(output));
        assertEquals(201, sink.status(), sink.body());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(output) && Files.readAllLines(output).size() >= lines.size());
        assertEquals(lines, Files.readAllLines(output));
        // StringConverter wrote the raw line, not a JSON string
        assertEquals("event-0", new String(firstValue("routed-events"), StandardCharsets.UTF_8));
        rest.delete("/connectors/smt-in");
        rest.delete("/connectors/smt-out");
    }

    @Test
    void toleratedErrorsGoToTheDeadLetterQueueWithContextHeaders() throws Exception {
        String topic = "mixed-json";
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < 10; i++) {
                String value = i % 3 == 0 ? "{not json " + i : "{\"n\": " + i + "}";
                producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Path output = dir.resolve("dlq-out.txt");
        Rest.Answer sink = rest.json("POST", "/connectors", """
                {"name": "tolerant", "config": {
                  "connector.class": "FileStreamSink", "file": "%s", "topics": "%s",
                  "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                  "value.converter.schemas.enable": "false",
                  "errors.tolerance": "all", "errors.log.enable": "true",
                  "errors.deadletterqueue.topic.name": "mixed-dlq",
                  "errors.deadletterqueue.context.headers.enable": "true"}}""".formatted(output, topic));
        assertEquals(201, sink.status(), sink.body());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(output) && Files.readAllLines(output).size() >= 6);
        List<ConsumerRecord<byte[], byte[]>> dead = consume("mixed-dlq", 4);
        assertEquals(4, dead.size());
        ConsumerRecord<byte[], byte[]> first = dead.get(0);
        assertEquals("{not json 0", new String(first.value(), StandardCharsets.UTF_8));
        assertEquals("VALUE_CONVERTER", header(first, "__connect.errors.stage"));
        assertEquals(topic, header(first, "__connect.errors.topic"));
        assertEquals("tolerant", header(first, "__connect.errors.connector.name"));
        assertTrue(header(first, "__connect.errors.exception.class.name").contains("DataException"));
        assertEquals(
                "RUNNING",
                rest.get("/connectors/tolerant/status")
                        .json()
                        .at("/tasks/0/state")
                        .asText());

        Rest.Answer strict = rest.json("POST", "/connectors", """
                {"name": "strict", "config": {
                  "connector.class": "FileStreamSink", "file": "%s", "topics": "%s",
                  "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                  "value.converter.schemas.enable": "false"}}""".formatted(dir.resolve("strict.txt"), topic));
        assertEquals(201, strict.status());
        await("errors.tolerance=none fails the task with its trace")
                .atMost(Duration.ofSeconds(30))
                .until(() -> rest.get("/connectors/strict/status")
                        .json()
                        .at("/tasks/0/state")
                        .asText()
                        .equals("FAILED"));
        assertTrue(rest.get("/connectors/strict/status")
                .json()
                .at("/tasks/0/trace")
                .asText()
                .contains("Tolerance exceeded"));
        // a failed task is restarted on request (202 shows what restarts)
        Rest.Answer restart = rest.json("POST", "/connectors/strict/restart?includeTasks=true&onlyFailed=true", null);
        assertEquals(202, restart.status(), restart.body());
        assertEquals("RESTARTING", restart.json().at("/tasks/0/state").asText());
        assertEquals("RUNNING", restart.json().at("/connector/state").asText(), "only failed instances restart");
        // tolerating errors now, the restarted task runs
        Rest.Answer tolerant = rest.json("PATCH", "/connectors/strict/config", "{\"errors.tolerance\": \"all\"}");
        assertEquals(200, tolerant.status(), tolerant.body());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rest.get("/connectors/strict/status")
                        .json()
                        .at("/tasks/0/state")
                        .asText()
                        .equals("RUNNING"));
        rest.delete("/connectors/tolerant");
        rest.delete("/connectors/strict");
    }

    @Test
    void configProviderPlaceholdersAreResolvedForTasksButNeverStoredOrShownResolved() throws Exception {
        Path input = dir.resolve("provided-in.txt");
        Files.write(input, List.of("one", "two", "three"));
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "input=" + input + "\ntopic=provided-topic\n");
        String fileRef = "${file:" + secrets + ":input}";
        String topicRef = "${file:" + secrets + ":topic}";
        Rest.Answer created = rest.json("POST", "/connectors", """
                {"name": "provided", "config": {"connector.class": "FileStreamSource",
                  "file": "%s", "topic": "%s",
                  "value.converter": "org.apache.kafka.connect.storage.StringConverter"}}""".formatted(fileRef, topicRef));
        assertEquals(201, created.status(), created.body());
        assertEquals(
                fileRef,
                rest.get("/connectors/provided/config").json().get("file").asText());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rest.get("/connectors/provided/tasks").json().size() == 1);
        JsonNode task = rest.get("/connectors/provided/tasks").json().get(0).get("config");
        assertEquals(fileRef, task.get("file").asText(), "task configs keep the placeholder: " + task);
        assertEquals(topicRef, task.get("topic").asText());
        List<ConsumerRecord<byte[], byte[]>> records = consume("provided-topic", 3);
        assertEquals(
                List.of("one", "two", "three"),
                records.stream()
                        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .toList());
        rest.delete("/connectors/provided");
    }

    @Test
    void sourceTopicsAreCreatedWithTheTopicCreationSettings() throws Exception {
        Path input = dir.resolve("created-in.txt");
        Files.write(input, List.of("a", "b"));
        Rest.Answer created = rest.json("POST", "/connectors", """
                {"name": "creator", "config": {"connector.class": "FileStreamSource", "file": "%s",
                  "topic": "created-with-3-partitions",
                  "topic.creation.default.replication.factor": 1, "topic.creation.default.partitions": 3,
                  "topic.creation.default.retention.ms": "3600000"}}""".formatted(input));
        assertEquals(201, created.status(), created.body());
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> admin.describeTopics(List.of("created-with-3-partitions"))
                                    .allTopicNames()
                                    .get()
                                    .get("created-with-3-partitions")
                                    .partitions()
                                    .size()
                            == 3);
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "created-with-3-partitions");
            assertEquals(
                    "3600000",
                    admin.describeConfigs(List.of(resource))
                            .all()
                            .get()
                            .get(resource)
                            .get("retention.ms")
                            .value());
        }
        rest.delete("/connectors/creator");
    }

    @Test
    void connectorsDeletedAndCreatedInQuickSuccessionAllGetTheirTasks() throws Exception {
        Path input = dir.resolve("churn.txt");
        Files.write(input, List.of("x"));
        for (int i = 0; i < 6; i++) {
            String name = "churn-" + i;
            assertEquals(
                    201,
                    rest.json("POST", "/connectors", """
                    {"name": "%s", "config": {"connector.class": "FileStreamSource", "file": "%s", "topic": "churn"}}""".formatted(name, input)).status());
            if (i > 0) {
                assertEquals(204, rest.delete("/connectors/churn-" + (i - 1)).status());
            }
            await(name + " gets a running task").atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode task =
                        rest.get("/connectors/" + name + "/status").json().at("/tasks/0/state");
                return task.asText().equals("RUNNING");
            });
        }
        rest.delete("/connectors/churn-5");
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private byte[] firstValue(String topic) {
        return consume(topic, 1).get(0).value();
    }

    private List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "check-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < count && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }
}
