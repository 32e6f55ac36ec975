package io.vertebra.node.plugins;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.node.cdc.VertebraNode;
import io.vertebra.testkit.PrivatePostgres;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Widely used third-party plugins, dropped in unchanged, run end to end on one Vertebra node: the official Debezium
 * JDBC sink archive from Maven Central (its task checks {@code instanceof InternalSinkRecord} when it starts, so it
 * failed with {@code NoClassDefFoundError} while plugins could not see connect-runtime) writing into a real
 * PostgreSQL, and MirrorMaker 2's source connector (connect-mirror, which uses connect-runtime's {@code TopicAdmin})
 * copying a topic.
 */
class ThirdPartyPluginsIT {
    private static final Path PLUGINS = ProjectLayout.root().resolve("node/target/third-party-plugins");

    @TempDir
    static Path work;

    private static PrivatePostgres pg;
    private static VertebraNode node;

    @BeforeAll
    static void startNode() {
        assertTrue(
                Files.isDirectory(PLUGINS.resolve("debezium-connector-jdbc"))
                        && Files.isDirectory(PLUGINS.resolve("kafka-connect-mirror")),
                "the build lays the third-party plugins out in " + PLUGINS);
        pg = PrivatePostgres.startOrSkip();
        node = VertebraNode.start(work.resolve("node"), PLUGINS.toString(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void debeziumJdbcSinkWritesRenamedTopicsIntoPostgresAndCommitsTheConsumedOffsets() throws Exception {
        String shop = pg.createDatabase("jdbcsink");
        createTopic("shop.orders");
        int rows = 200;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int id = 1; id <= rows; id++) {
                producer.send(new ProducerRecord<>("shop.orders", key(id), value(id, "item-" + id, id % 7)));
            }
            producer.send(new ProducerRecord<>("shop.orders", key(3), value(3, "updated", 99)));
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        config.put("topics", "shop.orders");
        config.put("connection.url", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/jdbcsink");
        config.put("connection.username", "postgres");
        config.put("connection.password", "unused");
        config.put("insert.mode", "upsert");
        config.put("primary.key.mode", "record_key");
        config.put("schema.evolution", "basic");
        config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        // the table is named after the transformed topic; offsets are committed for the consumed one
        config.put("transforms", "route");
        config.put("transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter");
        config.put("transforms.route.regex", "shop\\.(.*)");
        config.put("transforms.route.replacement", "$1");
        node.rest().putConnector("jdbc-sink", config);

        await("the rows arrive in PostgreSQL")
                .atMost(Duration.ofSeconds(60))
                .until(() ->
                        running("jdbc-sink") && "200".equals(sqlOrNull(shop, "SELECT count(*)::text FROM orders")));
        await("the last write wins")
                .atMost(Duration.ofSeconds(30))
                .until(() ->
                        "updated/99".equals(sqlOrNull(shop, "SELECT item || '/' || qty FROM orders WHERE id = 3")));
        assertEquals("item-200/4", sql(shop, "SELECT item || '/' || qty FROM orders WHERE id = 200"));
        assertEquals("RUNNING", node.rest().taskState("jdbc-sink", 0));
        TopicPartition consumed = new TopicPartition("shop.orders", 0);
        await("the offsets of the consumed topic are committed (Debezium tracks them through InternalSinkRecord)")
                .atMost(Duration.ofSeconds(60))
                .until(() -> committed("connect-jdbc-sink", consumed) == rows + 1);
    }

    @Test
    void mirrorMakerSourceConnectorCopiesATopic() throws Exception {
        createTopic("events");
        int records = 100;
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>("events", "k" + i, "event-" + i));
            }
        }
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", "org.apache.kafka.connect.mirror.MirrorSourceConnector");
        config.put("source.cluster.alias", "upstream");
        config.put("target.cluster.alias", "here");
        config.put("source.cluster.bootstrap.servers", node.bootstrapServers());
        config.put("target.cluster.bootstrap.servers", node.bootstrapServers());
        config.put("topics", "events");
        config.put("replication.factor", "1");
        config.put("offset-syncs.topic.replication.factor", "1");
        config.put("sync.topic.acls.enabled", "false");
        config.put("key.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        config.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        node.rest().putConnector("mirror", config);

        List<String> copied = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            TopicPartition tp = new TopicPartition("upstream.events", 0);
            await("MirrorMaker creates the remote topic")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> consumer.listTopics().containsKey(tp.topic()));
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            await("the records are copied").atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> copied.add(r.key() + "=" + r.value()));
                return copied.size() >= records;
            });
        }
        assertEquals(records, copied.size());
        assertEquals("k0=event-0", copied.get(0));
        assertEquals("k99=event-99", copied.get(records - 1));
        assertEquals("RUNNING", node.rest().taskState("mirror", 0));
    }

    /** True; fails the test at once with the task's trace when the task failed (e.g. a class it cannot load). */
    private static boolean running(String connector) {
        JsonNode task =
                node.rest().get("/connectors/" + connector + "/status").json().at("/tasks/0");
        if (task.path("state").asText().equals("FAILED")) {
            throw new AssertionError(
                    "task 0 of " + connector + " failed: " + task.path("trace").asText());
        }
        return true;
    }

    private static void createTopic(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", node.bootstrapServers());
        p.put("linger.ms", "5");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", node.bootstrapServers());
        p.put("enable.auto.commit", "false");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static long committed(String group, TopicPartition tp) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", node.bootstrapServers()))) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(tp);
            return o == null ? -1 : o.offset();
        }
    }

    private static String key(int id) {
        return "{\"schema\":{\"type\":\"struct\",\"optional\":false,\"fields\":[{\"field\":\"id\",\"type\":\"int32\"}]},"
                + "\"payload\":{\"id\":" + id + "}}";
    }

    private static String value(int id, String item, int qty) {
        return "{\"schema\":{\"type\":\"struct\",\"optional\":false,\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int32\"},{\"field\":\"item\",\"type\":\"string\"},"
                + "{\"field\":\"qty\",\"type\":\"int32\"}]},"
                + "\"payload\":{\"id\":" + id + ",\"item\":\"" + item + "\",\"qty\":" + qty + "}}";
    }

    private static String sqlOrNull(String url, String query) {
        try {
            return sql(url, query);
        } catch (Exception notYet) {
            return null; // e.g. the table does not exist yet
        }
    }

    private static String sql(String url, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
