package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.node.cdc.Rest;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.VertebraCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 3 of issue 14 against a node process: with REST behind a password, a Kafka client that is not the node
 * cannot slip a connector in through {@code connect-configs} or delete the worker's topics, while the node's own
 * worker (authenticating with the node credential) still runs connectors — on a PLAINTEXT listener and on a
 * SASL_PLAINTEXT one.
 */
class InternalTopicsIT {
    private static final String ADMIN = "admin:admin-Pw-5150";

    @TempDir
    Path dir;

    @Test
    void aForeignKafkaClientCannotBypassRestAuthThroughTheConfigTopic() throws Exception {
        Path stolen = dir.resolve("stolen.txt");
        try (NodeProcess node = start("")) {
            Rest api = new Rest("http://127.0.0.1:" + node.restPort, ADMIN);
            Map<String, Object> anonymous = Map.of("bootstrap.servers", node.bootstrap());
            long before = endOffset(anonymous, "connect-configs");

            String evil = "{\"properties\":{\"name\":\"evil\",\"connector.class\":"
                    + "\"io.vertebra.connect.file.sink.FileSinkConnector\",\"topics\":\"connect-status\","
                    + "\"file\":\"" + stolen + "\"}}";
            try (KafkaProducer<String, String> producer = producer(anonymous)) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("connect-configs", "connector-evil", evil))
                                .get(30, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
            }
            assertEquals(before, endOffset(anonymous, "connect-configs"), "the record must not be stored");
            try (Admin admin = Admin.create(anonymous)) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> admin.deleteTopics(List.of("connect-offsets", "__consumer_offsets"))
                                .all()
                                .get(30, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
            }

            runsAFileSource(api, anonymous);
            Rest.Answer connectors = api.get("/connectors");
            assertEquals("[\"lines\"]", connectors.body().replace(" ", ""), connectors.body());
            assertTrue(Files.notExists(stolen));

            // the node secret stays in the metadata log, readable by the node's user only, and out of the output
            Path metadata = node.dataDir.resolve("meta/metadata.log");
            Matcher secret =
                    Pattern.compile("\"node-secret\",\"secret\":\"([^\"]+)\"").matcher(Files.readString(metadata));
            assertTrue(secret.find(), "the metadata log holds the node secret");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(metadata)));
            assertFalse(node.process.output().contains(secret.group(1)), "the node secret is in the node's output");
            assertFalse(api.get("/connectors/lines/config").body().contains(secret.group(1)));
        }
    }

    @Test
    void theWorkerRunsConnectorsOnASaslListener() throws Exception {
        String sasl = """
                listener.security.protocol: SASL_PLAINTEXT
                sasl.plain.users: broker:broker-Pw-1,alice:alice-Pw-2
                sasl.inter.broker.username: broker
                sasl.inter.broker.password: broker-Pw-1
                """;
        try (NodeProcess node = start(sasl)) {
            Map<String, Object> alice = new HashMap<>();
            alice.put("bootstrap.servers", node.bootstrap());
            alice.put("security.protocol", "SASL_PLAINTEXT");
            alice.put("sasl.mechanism", "PLAIN");
            alice.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\""
                            + " password=\"alice-Pw-2\";");
            try (KafkaProducer<String, String> producer = producer(alice)) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("connect-configs", "connector-evil", "{}"))
                                .get(30, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
            }
            runsAFileSource(new Rest("http://127.0.0.1:" + node.restPort, ADMIN), alice);
        }
    }

    /**
     * Three nodes, each with a worker: the workers' clients reach the internal topics' leaders on every broker with
     * the one cluster-wide node credential, and every broker refuses a stranger.
     */
    @Test
    void everyWorkerOfAThreeNodeClusterWorks() throws Exception {
        try (VertebraCluster cluster = VertebraCluster.start(
                dir.resolve("cluster"),
                3,
                Map.of(
                        "worker.enabled",
                        "true",
                        "plugin.path",
                        ProjectLayout.root().resolve("plugins").toString(),
                        "offset.flush.interval.ms",
                        "1000",
                        "connector.allowed.dirs",
                        dir.toString()))) {
            List<Rest> apis = new ArrayList<>();
            for (int id = 1; id <= 3; id++) {
                Rest api = new Rest("http://127.0.0.1:" + cluster.node(id).restPort());
                await("the worker of node " + id + " is ready")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> api.status("/ready") == 200);
                apis.add(api);
            }
            Map<String, Object> anonymous = Map.of("bootstrap.servers", cluster.bootstrap());
            try (KafkaProducer<String, String> producer = producer(anonymous)) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("connect-configs", "connector-evil", "{}"))
                                .get(30, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
            }
            try {
                runsAFileSource(apis.get(1), anonymous);
                for (Rest api : apis) {
                    await("every worker sees the connector running")
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> api.taskState("lines", 0).equals("RUNNING"));
                }
            } catch (ConditionTimeoutException e) {
                StringBuilder logs = new StringBuilder(e.getMessage());
                for (int id = 1; id <= 3; id++) {
                    logs.append("\n--- node ")
                            .append(id)
                            .append(" (status ")
                            .append(apis.get(id - 1)
                                    .get("/connectors/lines/status")
                                    .body())
                            .append(")\n");
                    cluster.node(id).process().lines().stream()
                            .filter(line -> line.contains("WARN") || line.contains("ERROR") || line.contains("lines"))
                            .forEach(line -> logs.append(line).append('\n'));
                }
                throw new AssertionError(logs.toString(), e);
            }
        }
    }

    private NodeProcess start(String extraConfig) throws Exception {
        Path config = dir.resolve("node.yaml");
        Files.writeString(config, """
                plugin.path: %s
                rest.basic.auth.users: "%s"
                offset.flush.interval.ms: 1000
                connector.allowed.dirs: %s
                """.formatted(ProjectLayout.root().resolve("plugins"), ADMIN, dir) + extraConfig);
        NodeProcess node =
                NodeProcess.start(dir.resolve("data"), Ports.free(), Ports.free(), "--config", config.toString());
        node.awaitReady();
        Rest api = new Rest("http://127.0.0.1:" + node.restPort, ADMIN);
        await("the Connect worker is ready")
                .atMost(Duration.ofSeconds(90))
                .until(() -> api.get("/ready").status() == 200);
        return node;
    }

    /** The node's worker runs a file source end to end: its records arrive in the topic. */
    private void runsAFileSource(Rest api, Map<String, Object> client) throws Exception {
        Path input = dir.resolve("input.txt");
        Files.writeString(input, "one\ntwo\nthree\n");
        Rest.Answer created = api.put("/connectors/lines/config", """
                {"connector.class": "io.vertebra.connect.file.source.FileSourceConnector",
                 "file.paths": "%s", "topic": "lines"}""".formatted(input));
        assertEquals(201, created.status(), created.body());
        await("the file source task runs")
                .atMost(Duration.ofSeconds(120))
                .until(() -> api.taskState("lines", 0).equals("RUNNING"));
        Map<String, Object> settings = new HashMap<>(client);
        settings.put("group.id", "reader");
        settings.put("auto.offset.reset", "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("lines"));
            await("the lines reach the topic").atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
                return values.size() >= 3;
            });
        }
        assertTrue(values.toString().contains("three"), values.toString());
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> client) {
        Properties p = new Properties();
        p.putAll(client);
        p.put("max.block.ms", 30_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static long endOffset(Map<String, Object> client, String topic) throws Exception {
        try (Admin admin = Admin.create(client)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get(30, TimeUnit.SECONDS)
                    .offset();
        }
    }
}
