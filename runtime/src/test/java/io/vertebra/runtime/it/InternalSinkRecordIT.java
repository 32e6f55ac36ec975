package io.vertebra.runtime.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.runtime.ConnectRuntime;
import io.vertebra.runtime.plugins.PluginJars;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink plugin written the way third-party sinks are (it imports {@code InternalSinkRecord}, compiled here against
 * connect-runtime and loaded by its own plugin class loader) receives in {@code put} the records Kafka Connect would
 * hand it: {@code InternalSinkRecord}s whose {@code context().original()} is the consumed record, with the topic,
 * partition and offset from before a RegexRouter renamed the topic; a record it hands to the errant record reporter
 * reaches the dead letter queue with the consumed record's bytes and coordinates.
 */
class InternalSinkRecordIT {
    private static final String TASK_SOURCE = """
            package probe;

            import java.nio.charset.StandardCharsets;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.nio.file.StandardOpenOption;
            import java.util.Collection;
            import java.util.Map;
            import org.apache.kafka.clients.consumer.ConsumerRecord;
            import org.apache.kafka.connect.runtime.InternalSinkRecord;
            import org.apache.kafka.connect.sink.SinkRecord;
            import org.apache.kafka.connect.sink.SinkTask;

            public class ProbeSinkTask extends SinkTask {
                private Path out;

                public String version() { return "1"; }

                public void start(Map<String, String> props) { out = Path.of(props.get("out.file")); }

                public void put(Collection<SinkRecord> records) {
                    StringBuilder lines = new StringBuilder();
                    for (SinkRecord r : records) {
                        if ("bad".equals(r.value())) {
                            context.errantRecordReporter().report(r, new IllegalArgumentException("bad value"));
                            continue;
                        }
                        String original = "none";
                        if (r instanceof InternalSinkRecord internal) {
                            ConsumerRecord<byte[], byte[]> c = internal.context().original();
                            original = c.topic() + "/" + c.partition() + "/" + c.offset()
                                    + "/" + new String(c.value(), StandardCharsets.UTF_8);
                        }
                        lines.append(r.topic()).append(' ').append(original).append(' ').append(r.value()).append('\\n');
                    }
                    try {
                        Files.writeString(out, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (java.io.IOException e) {
                        throw new org.apache.kafka.connect.errors.ConnectException(e);
                    }
                }

                public void stop() {}
            }
            """;

    private static final String CONNECTOR_SOURCE = """
            package probe;

            import java.util.List;
            import java.util.Map;
            import org.apache.kafka.common.config.ConfigDef;
            import org.apache.kafka.connect.connector.Task;
            import org.apache.kafka.connect.sink.SinkConnector;

            public class ProbeSinkConnector extends SinkConnector {
                private Map<String, String> props;

                public String version() { return "1"; }

                public void start(Map<String, String> props) { this.props = props; }

                public Class<? extends Task> taskClass() { return ProbeSinkTask.class; }

                public List<Map<String, String>> taskConfigs(int max) { return List.of(props); }

                public void stop() {}

                public ConfigDef config() { return new ConfigDef(); }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void putReceivesInternalSinkRecordsThatKnowTheConsumedRecord() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        buildProbePlugin(plugins.resolve("probe"));
        Path out = dir.resolve("seen.txt");
        String bootstrap = SharedKafka.bootstrapServers();
        String cluster = Workers.uniqueCluster("internal-record");
        String topic = cluster + ".events";
        String dlq = cluster + "-dlq";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
            for (String value : List.of("a", "bad", "c")) {
                producer.send(new ProducerRecord<>(topic, value)).get();
            }
        }
        try (ConnectRuntime worker = ConnectRuntime.start(Workers.config(bootstrap, cluster, plugins))) {
            Rest rest = new Rest(worker.restPort());
            Rest.Answer created = rest.json("PUT", "/connectors/probe/config", """
                    {"connector.class": "probe.ProbeSinkConnector", "topics": "%s", "out.file": "%s",
                     "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                     "value.converter": "org.apache.kafka.connect.storage.StringConverter",
                     "transforms": "route", "transforms.route.type": "org.apache.kafka.connect.transforms.RegexRouter",
                     "transforms.route.regex": ".*\\\\.(events)", "transforms.route.replacement": "renamed-$1",
                     "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "%s",
                     "errors.deadletterqueue.context.headers.enable": "true"}""".formatted(topic, out, dlq));
            assertEquals(201, created.status(), created.body());
            await("the probe task writes what it saw")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> Files.exists(out) && Files.readAllLines(out).size() >= 2);
            assertEquals(
                    List.of("renamed-events " + topic + "/0/0/a a", "renamed-events " + topic + "/0/2/c c"),
                    Files.readAllLines(out),
                    "put() gets InternalSinkRecords whose context holds the consumed record, before the rename");

            ConsumerRecord<String, String> dead = firstRecord(bootstrap, dlq);
            assertEquals("bad", dead.value(), "the consumed bytes go to the dead letter queue");
            assertEquals(topic, header(dead, "__connect.errors.topic"));
            assertEquals("1", header(dead, "__connect.errors.offset"));
            assertTrue(header(dead, "__connect.errors.exception.message").contains("bad value"));
        }
    }

    private static ConsumerRecord<String, String> firstRecord(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            await("the dead letter queue").atMost(Duration.ofSeconds(60)).until(() -> {
                if (consumer.assignment().isEmpty()) {
                    if (!consumer.listTopics().containsKey(topic)) {
                        return false;
                    }
                    consumer.assign(List.of(tp));
                    consumer.seekToBeginning(List.of(tp));
                }
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            return got.get(0);
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        var h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Compiles the probe against the test class path (connect-api, connect-runtime) and jars it as a plugin. */
    private void buildProbePlugin(Path pluginDir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("probe-src/probe"));
        Files.writeString(src.resolve("ProbeSinkTask.java"), TASK_SOURCE);
        Files.writeString(src.resolve("ProbeSinkConnector.java"), CONNECTOR_SOURCE);
        PluginJars.compileAndJar(
                List.of(src.resolve("ProbeSinkTask.java"), src.resolve("ProbeSinkConnector.java")),
                Files.createDirectories(dir.resolve("probe-classes")),
                pluginDir.resolve("probe.jar"),
                org.apache.kafka.connect.sink.SinkConnector.class,
                "probe.ProbeSinkConnector");
    }
}
