package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.node.cdc.Rest;
import io.vertebra.node.cdc.VertebraNode;
import io.vertebra.testkit.PrivatePostgres;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every UI editor, script and kcctl-style tool does with a connector config: GET it (secrets shown as
 * {@code [hidden]}), change one key, PUT the whole body back. The stored secret must stay the secret. Checked on one
 * node with the bundled plugins, by behaviour: Debezium's PostgreSQL connector (the cdc-postgres bundle, {@code
 * database.password}) streams a table into the JDBC sink ({@code connection.password}), both logging in to a
 * PostgreSQL that demands their passwords, so a task given {@code [hidden]} fails to log in and the row never
 * arrives. The Parquet sink's S3 secret ({@code fs.s3a.secret.key}) is checked in the task config the worker stored
 * for its task (config topic), as is every other secret here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretWriteBackIT {
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String CDC_PASSWORD = "cdc-pw-Ω1";
    private static final String SINK_PASSWORD = "sink-pw-2";
    private static final String S3_SECRET = "s3-secret-3";

    private PrivatePostgres pg;
    private VertebraNode node;
    private Rest rest;
    private String shop;
    private String mirror;
    private Path lake;
    private int nextId = 1;

    @BeforeAll
    void start(@TempDir Path work) throws Exception {
        pg = PrivatePostgres.startOrSkip();
        shop = pg.createDatabase("shop");
        mirror = pg.createDatabase("mirror");
        pg.createRoleWithPassword("cdc", CDC_PASSWORD);
        pg.createRoleWithPassword("sink", SINK_PASSWORD);
        await("PostgreSQL refuses the roles without their passwords")
                .atMost(Duration.ofSeconds(30))
                .until(() -> refused(shop, "cdc", "[hidden]") && refused(mirror, "sink", "[hidden]"));
        try (Connection c = DriverManager.getConnection(shop);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INT PRIMARY KEY, label TEXT NOT NULL)");
        }
        lake = Files.createDirectories(work.resolve("lake"));
        Path nodeConfig = Files.writeString(work.resolve("node.yaml"), "connector.allowed.dirs: " + lake + "\n");
        node = VertebraNode.start(
                work.resolve("node"),
                ProjectLayout.root().resolve("plugins").toString(),
                Map.of(),
                List.of("--config", nodeConfig.toString()));
        rest = node.rest();
        FileStreamSourceResumeIT.awaitHealthy(rest);
        rest.putConnector("shop-cdc", cdcConfig());
        rest.putConnector("shop-mirror", sinkConfig());
        rest.putConnector("lake", lakeConfig());
        insertAndAwaitMirrored();
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private Map<String, String> cdcConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", "127.0.0.1");
        c.put("database.port", Integer.toString(pg.port()));
        c.put("database.user", "cdc");
        c.put("database.password", CDC_PASSWORD);
        c.put("database.dbname", "shop");
        c.put("topic.prefix", "shop");
        c.put("table.include.list", "public.items");
        c.put("plugin.name", "pgoutput");
        c.put("slot.name", "secrets_it");
        c.put("publication.name", "secrets_it");
        c.put("publication.autocreate.mode", "filtered");
        c.put("heartbeat.interval.ms", "10000");
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        return c;
    }

    private Map<String, String> sinkConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.vertebra.connect.jdbc.JdbcSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", "shop.public.items");
        c.put("connection.url", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/mirror");
        c.put("connection.user", "sink");
        c.put("connection.password", SINK_PASSWORD);
        c.put("insert.mode", "upsert");
        c.put("pk.mode", "record_key");
        c.put("delete.enabled", "true");
        c.put("auto.create", "true");
        c.put("transforms", "unwrap,table");
        c.put("transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState");
        c.put("transforms.table.type", "org.apache.kafka.connect.transforms.RegexRouter");
        c.put("transforms.table.regex", "shop\\.public\\.(.*)");
        c.put("transforms.table.replacement", "public.$1");
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        return c;
    }

    private Map<String, String> lakeConfig() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.vertebra.connect.parquet.ParquetSinkConnector");
        c.put("tasks.max", "1");
        c.put("topics", "shop.public.items");
        c.put("store.url", lake.toUri().toString());
        c.put("fs.s3a.access.key", "lake-access");
        c.put("fs.s3a.secret.key", S3_SECRET);
        c.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        c.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        return c;
    }

    @Test
    @Order(1)
    void getEditOneKeyPutKeepsEverySecretAndTheTasksStillLogIn() throws Exception {
        writeBack("shop-cdc", "database.password", "heartbeat.interval.ms", "5000");
        writeBack("shop-mirror", "connection.password", "batch.size", "100");
        writeBack("lake", "fs.s3a.secret.key", "flush.size", "500");
        await("the edited configs reached the tasks")
                .atMost(PATIENCE)
                .until(() -> "5000".equals(taskConfig("shop-cdc").get("heartbeat.interval.ms"))
                        && "100".equals(taskConfig("shop-mirror").get("batch.size"))
                        && "500".equals(taskConfig("lake").get("flush.size")));
        assertEquals(CDC_PASSWORD, taskConfig("shop-cdc").get("database.password"));
        assertEquals(SINK_PASSWORD, taskConfig("shop-mirror").get("connection.password"));
        assertEquals(S3_SECRET, taskConfig("lake").get("fs.s3a.secret.key"));
        insertAndAwaitMirrored();
    }

    @Test
    @Order(2)
    void patchWithTheMaskKeepsTheSecret() throws Exception {
        Rest.Answer patched = rest.patch(
                "/connectors/shop-mirror/config", "{\"connection.password\": \"[hidden]\", \"batch.size\": \"50\"}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals(
                "[hidden]", patched.json().at("/config/connection.password").asText());
        await().atMost(PATIENCE)
                .until(() -> "50".equals(taskConfig("shop-mirror").get("batch.size")));
        assertEquals(SINK_PASSWORD, taskConfig("shop-mirror").get("connection.password"));
        insertAndAwaitMirrored();
    }

    @Test
    @Order(3)
    void applyOfWhatGetShowsChangesNothing() throws Exception {
        ArrayNode documents = Rest.JSON.createArrayNode();
        for (String name : List.of("shop-cdc", "shop-mirror", "lake")) {
            ObjectNode doc = documents.addObject();
            doc.put("kind", "Connector");
            doc.put("name", name);
            doc.set("config", rest.get("/connectors/" + name + "/config").json());
        }
        // made by hand (PUT), so taking them into a set needs force; what matters here is that nothing changes
        Rest.Answer applied = rest.post("/apply?set=secrets&force=true", documents.toString(), "application/json");
        assertEquals(200, applied.status(), applied.body());
        for (JsonNode change : applied.json().path("changes")) {
            assertEquals("unchanged", change.path("action").asText().toLowerCase(), change.toString());
        }
        assertEquals(SINK_PASSWORD, taskConfig("shop-mirror").get("connection.password"));
        assertEquals(CDC_PASSWORD, taskConfig("shop-cdc").get("database.password"));
        insertAndAwaitMirrored();
    }

    @Test
    @Order(4)
    void theMaskWithNothingStoredIsRefusedNamingTheKey() throws Exception {
        Map<String, String> config = new LinkedHashMap<>(sinkConfig());
        config.put("connection.password", "[hidden]");
        Rest.Answer created = rest.post(
                "/connectors",
                Rest.JSON.writeValueAsString(Map.of("name", "fresh-sink", "config", config)),
                "application/json");
        assertEquals(400, created.status(), created.body());
        assertTrue(created.json().path("message").asText().contains("connection.password"), created.body());
        assertEquals(404, rest.get("/connectors/fresh-sink").status());

        ObjectNode doc = Rest.JSON.createObjectNode();
        doc.put("kind", "Connector");
        doc.put("name", "fresh-lake");
        ObjectNode lakeDoc = Rest.JSON.valueToTree(lakeConfig());
        lakeDoc.put("fs.s3a.secret.key", "[hidden]");
        doc.set("config", lakeDoc);
        Rest.Answer applied = rest.post("/apply?set=fresh", doc.toString(), "application/json");
        assertEquals(400, applied.status(), applied.body());
        assertTrue(applied.json().path("message").asText().contains("fs.s3a.secret.key"), applied.body());
        assertEquals(404, rest.get("/connectors/fresh-lake").status());
    }

    /** GET the config, check the secret is masked, change one other key, PUT the whole body back. */
    private void writeBack(String connector, String secretKey, String key, String value) throws Exception {
        Rest.Answer got = rest.get("/connectors/" + connector + "/config");
        assertEquals(200, got.status(), got.body());
        ObjectNode config = (ObjectNode) got.json();
        assertEquals("[hidden]", config.path(secretKey).asText(), got.body());
        config.put(key, value);
        Rest.Answer put = rest.put("/connectors/" + connector + "/config", config.toString());
        assertEquals(200, put.status(), put.body());
        assertEquals("[hidden]", put.json().at("/config/" + secretKey).asText(), put.body());
    }

    /** Inserts a row in the source table and waits until the JDBC sink wrote it in the mirror database. */
    private void insertAndAwaitMirrored() throws SQLException {
        int id = nextId++;
        try (Connection c = DriverManager.getConnection(shop);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO items VALUES (" + id + ", 'item " + id + "')");
        }
        await("row " + id + " reaches the mirror through Debezium and the JDBC sink")
                .atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(500))
                .failFast(
                        "a task failed",
                        () -> rest.taskState("shop-cdc", 0).equals("FAILED")
                                || rest.taskState("shop-mirror", 0).equals("FAILED"))
                .ignoreExceptionsInstanceOf(SQLException.class)
                .until(() -> mirrored(id));
    }

    private boolean mirrored(int id) throws SQLException {
        try (Connection c = DriverManager.getConnection(mirror);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT label FROM items WHERE id = " + id)) {
            return rs.next() && rs.getString(1).equals("item " + id);
        }
    }

    private boolean refused(String jdbcUrl, String user, String password) {
        String url = jdbcUrl.replace("?user=postgres", "");
        assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(url, user, password).close());
        try (Connection c = DriverManager.getConnection(url, user, user.equals("cdc") ? CDC_PASSWORD : SINK_PASSWORD)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /**
     * The config the worker stored for the connector's task 0 in the config topic (record {@code tasks-NAME}): what
     * the task is started with, secrets included.
     */
    private Map<String, String> taskConfig(String connector) throws Exception {
        Map<String, String> latest = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", node.bootstrapServers()),
                new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("connect-configs", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (("tasks-" + connector).equals(r.key()) && r.value() != null) {
                        JsonNode properties =
                                Rest.JSON.readTree(r.value()).path("tasks").path(0);
                        latest.clear();
                        properties
                                .fields()
                                .forEachRemaining(
                                        e -> latest.put(e.getKey(), e.getValue().asText()));
                    }
                }
            }
        }
        return latest;
    }
}
