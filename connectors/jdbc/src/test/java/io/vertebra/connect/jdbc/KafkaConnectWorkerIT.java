package io.vertebra.connect.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.jdbc.testing.JsonRecords;
import io.vertebra.connect.jdbc.testing.Rows;
import io.vertebra.testkit.ConnectWorker;
import io.vertebra.testkit.PrivatePostgres;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.RealKafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin directory exactly as the build installs it ({@code plugins/vertebra-jdbc/}), loaded by the real Apache
 * Kafka Connect 4.3 worker (ServiceLoader discovery only) against a real Kafka broker and a private PostgreSQL:
 * upserts and deletes end to end, exactly-once across a SIGKILL of the worker JVM, and a database restart
 * mid-stream.
 */
class KafkaConnectWorkerIT {
    static final Path BUILT_PLUGIN = ProjectLayout.root().resolve("plugins/vertebra-jdbc");

    @TempDir
    static Path dir;

    static RealKafkaCluster kafka;
    static PrivatePostgres pg;
    static ConnectWorker worker;
    static KafkaProducer<String, String> producer;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        pg = PrivatePostgres.startOrSkip();
        assertTrue(
                Files.isRegularFile(BUILT_PLUGIN.resolve("vertebra-connector-jdbc-0.1.0-SNAPSHOT.jar")),
                "the build installs the plugin into " + BUILT_PLUGIN);
        // plugin.path lists plugin directories; link only ours, unchanged, so other plugins under plugins/ stay out
        Path pluginPath = ConnectWorker.pluginPath(dir.resolve("plugin-path"), BUILT_PLUGIN);
        kafka = RealKafkaCluster.start(dir.resolve("kafka"), 1, "384m", Map.of());
        worker = ConnectWorker.start(dir.resolve("connect"), kafka.bootstrapServers(), pluginPath, "512m");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    static void createTopic(String topic, int partitions) throws Exception {
        io.vertebra.testkit.Topics.create(admin, new NewTopic(topic, partitions, (short) 1));
    }

    static void produce(String topic, long fromSeq, long toSeq, long idModulo) {
        for (long seq = fromSeq; seq < toSeq; seq++) {
            long id = idModulo > 0 ? seq % idModulo : seq;
            producer.send(new ProducerRecord<>(topic, JsonRecords.key(id), JsonRecords.value(id, seq, "n" + seq)));
        }
        producer.flush();
    }

    static Map<String, String> sink(String topic, String... pairs) {
        Map<String, String> config = ConnectWorker.config(
                "connector.class", "io.vertebra.connect.jdbc.JdbcSinkConnector",
                "topics", topic,
                "connection.url", pg.jdbcUrl(),
                "auto.create", "true",
                "tasks.max", "2");
        config.putAll(ConnectWorker.config(pairs));
        return config;
    }

    static long count(String sql) {
        try {
            return ((Number) Rows.scalar(pg.jdbcUrl(), sql)).longValue();
        } catch (IllegalStateException e) {
            return -1; // the table does not exist yet
        }
    }

    @Test
    void builtPluginRunsInKafkaConnectAndUpsertsAndDeletes() throws Exception {
        String plugins = worker.get("/connector-plugins").body();
        assertTrue(plugins.contains("io.vertebra.connect.jdbc.JdbcSinkConnector"), plugins);
        String validation = worker.put(
                        "/connector-plugins/JdbcSinkConnector/config/validate",
                        "{\"connector.class\":\"io.vertebra.connect.jdbc.JdbcSinkConnector\",\"topics\":\"x\","
                                + "\"connection.url\":\"jdbc:mysql://db\",\"insert.mode\":\"upsert\"}")
                .body();
        assertTrue(validation.contains("must be a PostgreSQL JDBC URL"), validation);
        assertTrue(validation.contains("insert.mode=upsert needs a primary key"), validation);

        String topic = "people";
        createTopic(topic, 1);
        produce(topic, 0, 100, 0);
        produce(topic, 100, 150, 100); // ids 0..49 get a second version
        for (long id = 90; id < 100; id++) {
            producer.send(new ProducerRecord<>(topic, JsonRecords.key(id), null));
        }
        producer.flush();
        assertEquals(
                201,
                worker.putConnector(
                                "people-sink",
                                sink(topic, "insert.mode", "upsert", "pk.mode", "record_key", "delete.enabled", "true"))
                        .statusCode());
        Awaitility.await("people table reaches its final state")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> count("SELECT count(*) FROM people WHERE id < 50 AND seq >= 100") == 50
                        && count("SELECT count(*) FROM people") == 90);
        assertEquals(0, count("SELECT count(*) FROM people WHERE id >= 90"));
        assertTrue(worker.status("people-sink").contains("\"state\":\"RUNNING\""), worker.status("people-sink"));
    }

    @Test
    void exactlyOnceAcrossSigkillOfTheWorkerEvenWithInsertMode() throws Exception {
        String topic = "events";
        createTopic(topic, 3);
        produce(topic, 0, 10_000, 0);
        worker.putConnector(
                "events-sink",
                sink(
                        topic,
                        "insert.mode",
                        "insert",
                        "pk.mode",
                        "none",
                        "batch.size",
                        "200",
                        "consumer.override.max.poll.records",
                        "200"));
        Awaitility.await("the sink is mid-stream")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> count("SELECT count(*) FROM events") >= 2_000);
        worker.kill(); // SIGKILL mid-stream: Kafka's committed offsets lag well behind the table
        long atKill = count("SELECT count(*) FROM events");
        System.out.println("SIGKILLed the Connect worker with " + atKill + " of 10000 rows written");
        produce(topic, 10_000, 20_000, 0);
        worker.restart();
        Awaitility.await("every record lands after the restart")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> count("SELECT count(DISTINCT id) FROM events") == 20_000);
        assertEquals(20_000, count("SELECT count(*) FROM events"), "no duplicates (killed at " + atKill + " rows)");
        assertEquals(
                20_000,
                count("SELECT sum(next_offset) FROM __vertebra_sink_offsets WHERE connector = 'events-sink'"),
                "the stored offsets cover every record");
        assertEquals(0, count("SELECT count(*) FROM events WHERE id <> seq"));
    }

    @Test
    void databaseRestartedMidStreamEndsInTheExpectedState() throws Exception {
        String topic = "stock";
        createTopic(topic, 2);
        produce(topic, 0, 10_000, 500);
        worker.putConnector(
                "stock-sink",
                sink(
                        topic,
                        "insert.mode",
                        "upsert",
                        "pk.mode",
                        "record_key",
                        "batch.size",
                        "200",
                        "consumer.override.max.poll.records",
                        "200",
                        "max.retries",
                        "100",
                        "retry.backoff.ms",
                        "200",
                        "connection.timeout.ms",
                        "2000"));
        Awaitility.await("the sink is mid-stream")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> count("SELECT coalesce(sum(next_offset), 0) FROM __vertebra_sink_offsets WHERE"
                                + " connector = 'stock-sink'")
                        > 0);
        pg.restart();
        produce(topic, 10_000, 20_000, 500);
        Map<Long, Long> expected = new HashMap<>();
        for (long seq = 0; seq < 20_000; seq++) {
            expected.put(seq % 500, seq);
        }
        Awaitility.await("the table reaches the last value of every key")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> count("SELECT count(*) FROM stock WHERE seq >= 19500") == 500);
        Map<Long, Long> actual = new HashMap<>();
        Rows.query(pg.jdbcUrl(), "SELECT id, seq FROM stock")
                .forEach(row -> actual.put((Long) row.get("id"), (Long) row.get("seq")));
        assertEquals(expected, actual);
        String status = worker.status("stock-sink");
        assertTrue(status.contains("\"state\":\"RUNNING\"") && !status.contains("FAILED"), status);
    }

    @Test
    void badRecordsGoToTheDeadLetterQueueAndTheRestIsWritten() throws Exception {
        String topic = "dirty";
        createTopic(topic, 1);
        Rows.execute(pg.jdbcUrl(), "CREATE TABLE dirty (id bigint PRIMARY KEY, seq bigint NOT NULL, name varchar(5))");
        for (long seq = 0; seq < 20; seq++) {
            String name = seq == 7 || seq == 13 ? "far too long for varchar(5)" : "n" + seq;
            producer.send(new ProducerRecord<>(topic, JsonRecords.key(seq), JsonRecords.value(seq, seq, name)));
        }
        producer.send(new ProducerRecord<>(topic, JsonRecords.key(99), "{not json")); // the converter fails
        producer.flush();
        worker.putConnector(
                "dirty-sink",
                sink(
                        topic,
                        "insert.mode",
                        "upsert",
                        "pk.mode",
                        "record_key",
                        "tasks.max",
                        "1",
                        "errors.tolerance",
                        "all",
                        "errors.deadletterqueue.topic.name",
                        "dirty-dlq",
                        "errors.deadletterqueue.topic.replication.factor",
                        "1",
                        "errors.deadletterqueue.context.headers.enable",
                        "true"));
        Awaitility.await("the good records land")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> count("SELECT count(*) FROM dirty") == 18);
        List<String> dead = new java.util.ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                Map.<String, Object>of(
                        "bootstrap.servers", kafka.bootstrapServers(),
                        "group.id", "dlq-reader",
                        "auto.offset.reset", "earliest"),
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(List.of("dirty-dlq"));
            Awaitility.await("the dead-letter queue receives the bad records")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> dead.add(r.value()));
                        return dead.size() >= 3;
                    });
        }
        assertEquals(3, dead.size(), dead.toString());
        assertTrue(dead.stream().anyMatch(v -> v.contains("\"seq\":7")), dead.toString());
        assertTrue(dead.stream().anyMatch(v -> v.contains("\"seq\":13")), dead.toString());
        assertTrue(dead.contains("{not json"), dead.toString());
        assertEquals(0, count("SELECT count(*) FROM dirty WHERE seq IN (7, 13)"));
    }

    @Test
    void unreachableDatabaseFailsTheTaskAfterTheRetriesNamingTheCause() throws Exception {
        String topic = "nowhere";
        createTopic(topic, 1);
        produce(topic, 0, 5, 0);
        int closedPort = io.vertebra.testkit.Ports.free();
        Map<String, String> config = sink(
                topic, "tasks.max", "1", "max.retries", "1", "retry.backoff.ms", "100", "connection.timeout.ms", "500");
        config.put("connection.url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres?user=postgres");
        worker.putConnector("nowhere-sink", config);
        Awaitility.await("the task fails")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> worker.status("nowhere-sink").contains("\"state\":\"FAILED\""));
        String status = worker.status("nowhere-sink");
        assertTrue(status.contains("failed 2 times in a row (max.retries=1)"), status);
        assertTrue(status.contains("Connection") || status.contains("connection"), status);
        worker.delete("/connectors/nowhere-sink");
    }
}
