package io.vertebra.runtime.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.runtime.ConnectRuntime;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The official Debezium PostgreSQL connector plugin archive, extracted as it comes into a plugin directory (it
 * bundles its own connect-api and kafka-clients), runs unchanged on a Vertebra worker: snapshot and streaming of a
 * real PostgreSQL 15 into topics of a real Apache Kafka 4.3 broker, driven over REST. Its snapshot progress (JMX
 * beans in the worker's JVM) is served by {@code GET /metrics} and in the task's {@code progress} of the connector's
 * status: two tables, both done, their rows as PostgreSQL counts them.
 */
class DebeziumPluginIT {
    @Test
    void debeziumPostgresSnapshotsAndStreamsChanges() throws Exception {
        Assumptions.assumeTrue(
                PostgresServer.available(),
                "no PostgreSQL server binaries at " + PostgresServer.bin()
                        + " (set PG_BIN): skipping the Debezium acceptance test");
        Path plugins = ProjectLayout.root().resolve("runtime/target/third-party-plugins");
        assertTrue(
                Files.isDirectory(plugins.resolve("debezium-connector-postgres")),
                "the build unpacks the Debezium plugin archive into " + plugins);
        String bootstrap = SharedKafka.bootstrapServers();
        try (PostgresServer pg = PostgresServer.start();
                ConnectRuntime worker =
                        ConnectRuntime.start(Workers.config(bootstrap, Workers.uniqueCluster("debezium"), plugins))) {
            Rest rest = new Rest(worker.restPort());
            JsonNode listed = rest.get("/connector-plugins").json();
            boolean found = false;
            for (JsonNode p : listed) {
                if (p.get("class").asText().equals("io.debezium.connector.postgresql.PostgresConnector")) {
                    found = true;
                    assertEquals("source", p.get("type").asText());
                    assertEquals("3.6.1.Final", p.get("version").asText());
                }
            }
            assertTrue(found, listed.toString());
            JsonNode invalid = rest.json(
                            "PUT",
                            "/connector-plugins/PostgresConnector/config/validate",
                            "{\"connector.class\": \"io.debezium.connector.postgresql.PostgresConnector\", \"topic.prefix\": \"x\"}")
                    .json();
            assertTrue(invalid.get("error_count").asInt() > 0, "Debezium's own validate() runs: " + invalid);

            pg.sql("CREATE TABLE orders (id serial PRIMARY KEY, item text NOT NULL, qty int NOT NULL);"
                    + " INSERT INTO orders (item, qty) VALUES ('apple', 1), ('pear', 2), ('plum', 3);"
                    + " CREATE TABLE shops (id serial PRIMARY KEY, city text NOT NULL);"
                    + " INSERT INTO shops (city) VALUES ('Lyon'), ('Oslo');");
            Rest.Answer created = rest.json("POST", "/connectors", """
                    {"name": "pg-orders", "config": {
                      "connector.class": "io.debezium.connector.postgresql.PostgresConnector",
                      "database.hostname": "127.0.0.1", "database.port": %d, "database.user": "postgres",
                      "database.password": "unused", "database.dbname": "postgres", "topic.prefix": "pgit",
                      "plugin.name": "pgoutput", "slot.name": "vertebra_it", "table.include.list": "public.orders,public.shops",
                      "publication.autocreate.mode": "filtered",
                      "key.converter": "org.apache.kafka.connect.json.JsonConverter",
                      "key.converter.schemas.enable": false,
                      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                      "value.converter.schemas.enable": false}}""".formatted(pg.port));
            assertEquals(201, created.status(), created.body());
            assertTrue(
                    created.json().at("/config/database.password").asText().equals("[hidden]"),
                    "Debezium declares database.password as PASSWORD: masked in responses");
            await("the snapshot arrives")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> values(bootstrap).size() >= 3);
            await("the task runs")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> rest.get("/connectors/pg-orders/status")
                            .json()
                            .at("/tasks/0/state")
                            .asText()
                            .equals("RUNNING"));
            await("Debezium's snapshot bean shows up in /metrics as the connector's snapshot progress")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> rest.get("/metrics")
                            .body()
                            .contains("vertebra_connect_snapshot_completed{connector=\"pg-orders\"} 1.0"));
            String metrics = rest.get("/metrics").body();
            assertTrue(
                    metrics.contains(
                            "vertebra_connect_snapshot_rows_scanned{connector=\"pg-orders\",table=\"public.orders\"} 3.0"),
                    metrics);
            assertTrue(
                    metrics.contains(
                            "vertebra_connect_snapshot_rows_scanned{connector=\"pg-orders\",table=\"public.shops\"} 2.0"),
                    metrics);
            assertTrue(metrics.contains("vertebra_connect_snapshot_tables{connector=\"pg-orders\"} 2.0"), metrics);
            assertTrue(
                    metrics.contains("vertebra_connect_snapshot_tables_remaining{connector=\"pg-orders\"} 0.0"),
                    metrics);
            assertTrue(
                    metrics.contains(
                            "vertebra_connect_source_records_written_total{connector=\"pg-orders\",task=\"0\"}"),
                    metrics);
            // the same progress in the status, on the task that runs the snapshot, next to Kafka Connect's fields
            JsonNode task = rest.get("/connectors/pg-orders/status").json().at("/tasks/0");
            assertEquals("RUNNING", task.get("state").asText(), task.toString());
            JsonNode snapshot = task.at("/progress/snapshot");
            assertEquals("completed", snapshot.get("state").asText(), task.toString());
            assertEquals(2, snapshot.get("tables_total").asInt(), task.toString());
            assertEquals(2, snapshot.get("tables_done").asInt(), task.toString());
            // Debezium publishes no row total: the rows done are the tables' rows, as PostgreSQL counts them
            long rows = Long.parseLong(pg.sql("SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM shops)")
                    .trim());
            assertEquals(rows, snapshot.get("rows_done").asLong(), task.toString());
            assertEquals(3, snapshot.at("/rows_done_by_table/public.orders").asInt(), task.toString());
            assertEquals(2, snapshot.at("/rows_done_by_table/public.shops").asInt(), task.toString());
            pg.sql(
                    "INSERT INTO orders (item, qty) VALUES ('fig', 4); UPDATE orders SET qty = 10 WHERE item = 'apple';");
            await("streamed changes arrive")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> values(bootstrap).size() >= 5);
            List<JsonNode> events = values(bootstrap);
            assertEquals("r", events.get(0).get("op").asText(), "snapshot read");
            assertEquals("apple", events.get(0).at("/after/item").asText());
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e.get("op").asText().equals("c")
                                    && e.at("/after/item").asText().equals("fig")),
                    events.toString());
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e.get("op").asText().equals("u")
                                    && e.at("/after/qty").asInt() == 10),
                    events.toString());
            assertEquals(204, rest.delete("/connectors/pg-orders").status());
        }
    }

    private static List<JsonNode> values(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "check-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        List<JsonNode> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("pgit.public.orders"));
            int empty = 0;
            while (empty < 2) {
                var records = c.poll(Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                for (var r : records) {
                    if (r.value() != null) {
                        out.add(Rest.JSON.readTree(r.value()));
                    }
                }
            }
        }
        return out;
    }
}
