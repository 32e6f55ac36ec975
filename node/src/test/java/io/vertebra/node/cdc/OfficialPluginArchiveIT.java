package io.vertebra.node.cdc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.connect.cdcpostgres.testing.OrdersTable;
import io.vertebra.testkit.PrivatePostgres;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Debezium PostgreSQL plugin archive ({@code debezium-connector-postgres-3.6.1.Final-plugin.tar.gz}
 * from Maven Central, which bundles its own connect-api and kafka-clients), extracted as it comes into a plugin
 * directory by the build, runs unchanged on a Vertebra node: snapshot, streaming of inserts, updates and deletes,
 * the replication slot's confirmed position advancing once the log acknowledged the changes, after a SIGKILL of the
 * node a restart that resumes from the stored offsets (no second snapshot) and goes on streaming, and heartbeats in
 * their own auto-created topic.
 */
class OfficialPluginArchiveIT {
    private static final int ROWS = 500;

    @Test
    void officialArchiveSnapshotsStreamsAndResumesAfterSigkill(@TempDir Path work) throws Exception {
        Path archive = ProjectLayout.root().resolve("connectors/cdc-postgres/target/official-plugin");
        assertTrue(
                Files.isDirectory(archive.resolve("debezium-connector-postgres")),
                "the build extracts the official archive into " + archive);
        try (PrivatePostgres pg = PrivatePostgres.startOrSkip();
                VertebraNode node = VertebraNode.start(work.resolve("node"), archive.toString(), Map.of())) {
            String shop = pg.createDatabase("shop");
            OrdersTable.create(shop, ROWS);
            Rest rest = node.rest();
            JsonNode plugins = rest.get("/connector-plugins").json();
            assertTrue(
                    plugins.toString()
                            .contains("{\"class\":\"io.debezium.connector.postgresql.PostgresConnector\","
                                    + "\"type\":\"source\",\"version\":\"3.6.1.Final\"}"),
                    plugins.toString());

            Map<String, String> config = new LinkedHashMap<>();
            config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            config.put("database.hostname", "127.0.0.1");
            config.put("database.port", Integer.toString(pg.port()));
            config.put("database.user", "postgres");
            config.put("database.password", "unused");
            config.put("database.dbname", "shop");
            config.put("topic.prefix", "arch");
            config.put("plugin.name", "pgoutput");
            config.put("slot.name", "vertebra_archive");
            config.put("publication.autocreate.mode", "filtered");
            config.put("table.include.list", "public.orders");
            config.put("heartbeat.interval.ms", "1000");
            config.put("topic.creation.default.partitions", "1");
            config.put("topic.creation.default.replication.factor", "-1");
            config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            config.put("key.converter.schemas.enable", "false");
            config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            config.put("value.converter.schemas.enable", "false");
            rest.putConnector("archive", config);

            try (TopicReader topic = new TopicReader(node.bootstrapServers(), "arch.public.orders")) {
                await("the snapshot").atMost(Duration.ofSeconds(120)).until(() -> topic.count("r") == ROWS);
                String before = sql(shop, "SELECT pg_current_wal_insert_lsn()::text");
                execute(
                        shop,
                        "INSERT INTO public.orders (id, item, qty, price) VALUES (501, 'fig', 4, 1.25);"
                                + " UPDATE public.orders SET qty = 999 WHERE id = 1;"
                                + " DELETE FROM public.orders WHERE id = 2");
                await("the streamed changes")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> topic.count("c") >= 1 && topic.count("u") >= 1 && topic.count("d") >= 1);
                JsonNode update = topic.events().stream()
                        .filter(e -> e != null && e.path("op").asText().equals("u"))
                        .findFirst()
                        .orElseThrow();
                assertEquals(999, update.at("/after/qty").asInt(), update.toString());
                await("the slot confirms the changes once the log acknowledged them and their offsets were stored")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> Boolean.parseBoolean(sql(
                                shop,
                                "SELECT (confirmed_flush_lsn > '" + before + "'::pg_lsn)::text"
                                        + " FROM pg_replication_slots WHERE slot_name = 'vertebra_archive'")));

                node.kill();
                node.restart();
                execute(shop, "INSERT INTO public.orders (id, item, qty, price) VALUES (502, 'kiwi', 5, 2.50)");
                await("streaming resumes after the restart")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> topic.events().stream()
                                .anyMatch(e -> e != null && e.at("/after/id").asLong() == 502));
                assertEquals(ROWS, topic.count("r"), "the restarted task resumed from its offsets: no second snapshot");
                assertEquals("RUNNING", rest.taskState("archive", 0));
            }
            try (TopicReader heartbeats = new TopicReader(node.bootstrapServers(), "__debezium-heartbeat.arch")) {
                await("heartbeats")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> !heartbeats.events().isEmpty());
            }
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

    private static void execute(String url, String statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute(statements);
        }
    }
}
