package io.vertebra.connect.cdcpostgres;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.cdcpostgres.testing.ChangeWriter;
import io.vertebra.connect.cdcpostgres.testing.ExamplePipeline;
import io.vertebra.connect.cdcpostgres.testing.OrdersTable;
import io.vertebra.testkit.ConnectWorker;
import io.vertebra.testkit.PrivatePostgres;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.RealKafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin directory this module installs, {@code plugins/vertebra-cdc-postgres}, runs in the real Apache Kafka
 * Connect 4.3 worker (ServiceLoader discovery only) on a real Kafka 4.3 broker: the example pipeline
 * {@code cdc-postgres-to-jdbc.yaml} (with our JDBC sink's plugin directory next to it) mirrors a snapshot and then
 * streamed changes into a second database, equal to the source by checksum. Every plugin class of the directory,
 * Debezium's converters included, loads there.
 */
class KafkaConnectWorkerIT {
    private static final int ROWS = 5_000;

    @Test
    void bundledPluginMirrorsATableInKafkaConnect(@TempDir Path work) throws Exception {
        Path pluginPath = Files.createDirectories(work.resolve("plugins"));
        copyPlugin("vertebra-cdc-postgres", pluginPath);
        copyPlugin("vertebra-jdbc", pluginPath);
        try (PrivatePostgres pg = PrivatePostgres.startOrSkip();
                RealKafkaCluster kafka = RealKafkaCluster.start(work.resolve("kafka"), 1, "512m", Map.of());
                ConnectWorker connect = ConnectWorker.start(
                        work.resolve("connect"), kafka.bootstrapServers(), pluginPath, "768m", Map.of())) {
            // Debezium's converters hand Jackson trees to the worker's JsonConverter: they load only when the plugin
            // shares the worker's Jackson (a bundled copy made this converter fail to load)
            String plugins =
                    connect.get("/connector-plugins?connectorsOnly=false").body();
            assertTrue(plugins.contains("io.debezium.converters.CloudEventsConverter"), plugins);
            assertTrue(plugins.contains("io.debezium.connector.postgresql.PostgresConnector"), plugins);
            String shop = pg.createDatabase("shop");
            String mirror = pg.createDatabase("mirror");
            OrdersTable.create(shop, ROWS);
            List<ExamplePipeline.Connector> pipeline =
                    ExamplePipeline.read(ExamplePipeline.file("cdc-postgres-to-jdbc.yaml"));
            ExamplePipeline.Connector source = pipeline.get(0)
                    .with(Map.of(
                            "database.hostname", "127.0.0.1",
                            "database.port", Integer.toString(pg.port()),
                            "database.user", "postgres",
                            "database.password", "unused",
                            "table.include.list", "public.orders"));
            ExamplePipeline.Connector sink = pipeline.get(1)
                    .with(Map.of(
                            "connection.url", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/mirror",
                            "connection.user", "postgres",
                            "connection.password", "unused"));
            assertEquals(
                    201, connect.putConnector(source.name(), source.config()).statusCode());
            assertEquals(201, connect.putConnector(sink.name(), sink.config()).statusCode());

            awaitMirror(shop, mirror, "after the snapshot", connect);
            try (ChangeWriter writer = ChangeWriter.start(shop, ROWS, 1_000_000, 100)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() >= 500);
            }
            awaitMirror(shop, mirror, "after streaming", connect);
        }
    }

    private static void awaitMirror(String shop, String mirror, String when, ConnectWorker connect) throws Exception {
        Map<Long, String> expected = OrdersTable.rows(shop);
        String[] last = {""};
        try {
            await().atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        Map<Long, String> actual = OrdersTable.rows(mirror);
                        last[0] = OrdersTable.differences(expected, actual);
                        return actual.equals(expected);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "the mirror " + when + " never equalled the source: " + last[0] + "\nstatus: "
                            + connect.status("shop-cdc") + connect.status("shop-mirror") + "\nworker log:\n"
                            + connect.process().output(),
                    e);
        }
    }

    private static void copyPlugin(String name, Path into) throws IOException {
        Path from = ProjectLayout.root().resolve("plugins").resolve(name);
        Path to = Files.createDirectories(into.resolve(name));
        try (Stream<Path> jars = Files.list(from)) {
            jars.forEach(jar -> {
                try {
                    Files.copy(jar, to.resolve(jar.getFileName()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
