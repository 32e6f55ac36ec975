package io.vertebra.node.cdc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.cdcpostgres.testing.ChangeWriter;
import io.vertebra.connect.cdcpostgres.testing.ExamplePipeline;
import io.vertebra.connect.cdcpostgres.testing.OrdersTable;
import io.vertebra.testkit.PrivatePostgres;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two pipelines of {@code config-examples/} as a user deploys them, on one Vertebra node (a child JVM running
 * {@code vertebra.jar start}, plugins from the build's {@code plugins/}) and a private PostgreSQL 15 with
 * {@code wal_level=logical}: {@code cdc-postgres-to-jdbc.yaml} mirrors {@code shop.public.orders} into the database
 * {@code mirror} through the JDBC sink, and {@code cdc-postgres-to-parquet.yaml} keeps every change in a Parquet lake.
 * Only the addresses and the lake's rotation interval are changed from the files.
 *
 * <p>The tests run in order on the same pipelines; each ends when the mirror table and the lake's latest state equal
 * the source by checksum: after a 20,000-row snapshot, after updates, deletes and inserts while streaming, after a
 * SIGKILL of the node while streaming, and after a restart of the database while streaming.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CdcPipelinesIT {
    private static final int SNAPSHOT_ROWS = 20_000;
    private static final Duration CONVERGE = Duration.ofSeconds(180);

    private PrivatePostgres pg;
    private VertebraNode node;
    private String shop;
    private String mirror;
    private Path lake;
    private long nextNewId = 1_000_000;

    @BeforeAll
    void startPipelines(@TempDir Path work) throws Exception {
        pg = PrivatePostgres.startOrSkip();
        shop = pg.createDatabase("shop");
        mirror = pg.createDatabase("mirror");
        OrdersTable.create(shop, SNAPSHOT_ROWS);
        lake = Files.createDirectories(work.resolve("lake"));
        // the examples read their passwords with ${env:...}: the node enables the env provider for those two only.
        // The sinks' groups outlive a SIGKILL (they are kept in the log): the restarted sinks rejoin once the killed
        // members' sessions expire, after the consumers' default 45 s. 10 s (a Connect worker's own default) takes
        // the SIGKILL test through the same expiry without idling most of a minute.
        Path nodeConfig = Files.writeString(work.resolve("node.yaml"), """
                config.providers: env
                config.providers.env.param.allowlist.pattern: SHOP_DB_PASSWORD|MIRROR_DB_PASSWORD
                consumer.session.timeout.ms: 10000
                consumer.heartbeat.interval.ms: 3000
                connector.allowed.dirs: %s
                """.formatted(lake));
        node = VertebraNode.start(
                work.resolve("node"),
                ProjectLayout.root().resolve("plugins").toString(),
                Map.of("SHOP_DB_PASSWORD", "not-needed-with-trust-auth", "MIRROR_DB_PASSWORD", "not-needed"),
                List.of("--config", nodeConfig.toString()));
        // Debezium reports snapshot progress at INFO; the node logs libraries at WARN unless asked
        assertEquals(
                200,
                node.rest()
                        .put("/admin/loggers/io.debezium.relational", "{\"level\": \"INFO\"}")
                        .status());

        Map<String, String> source = Map.of(
                "database.hostname", "127.0.0.1",
                "database.port", Integer.toString(pg.port()),
                "database.user", "postgres");
        List<ExamplePipeline.Connector> toJdbc =
                ExamplePipeline.read(ExamplePipeline.file("cdc-postgres-to-jdbc.yaml"));
        assertEquals(
                List.of("shop-cdc", "shop-mirror"),
                toJdbc.stream().map(c -> c.name()).toList());
        deploy(toJdbc.get(0).with(Map.of("table.include.list", "public.orders")).with(source));
        deploy(toJdbc.get(1)
                .with(Map.of(
                        "connection.url",
                        "jdbc:postgresql://127.0.0.1:" + pg.port() + "/mirror",
                        "connection.user",
                        "postgres")));

        List<ExamplePipeline.Connector> toLake =
                ExamplePipeline.read(ExamplePipeline.file("cdc-postgres-to-parquet.yaml"));
        assertEquals(
                List.of("shop-cdc-lake", "shop-lake"),
                toLake.stream().map(c -> c.name()).toList());
        deploy(toLake.get(0).with(source));
        deploy(toLake.get(1)
                .with(Map.of(
                        "store.url",
                        lake.toUri().toString(),
                        // the example rotates every minute; a test would wait that long for every check
                        "rotate.schedule.interval.ms",
                        "2000")));
    }

    private void deploy(ExamplePipeline.Connector connector) {
        node.rest().putConnector(connector.name(), connector.config());
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

    @Test
    @Order(1)
    void snapshotOf20000RowsReachesTheMirrorAndTheLake() throws Exception {
        assertConverges("after the snapshot");
        assertTrue(
                node.process().output().contains("Finished exporting 20000 records for table 'public.orders'"),
                "Debezium's snapshot progress is in the node's log");
    }

    @Test
    @Order(2)
    void updatesDeletesAndInsertsWhileStreamingConverge() throws Exception {
        try (ChangeWriter writer = writer()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() >= 1_000);
        }
        assertConverges("after streaming");
    }

    @Test
    @Order(3)
    void nodeKilledWithSigkillWhileStreamingLosesNoChange() throws Exception {
        try (ChangeWriter writer = writer()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() >= 400);
            node.kill();
            long atKill = writer.committed();
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() >= atKill + 300);
            node.restart();
            long atRestart = writer.committed();
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() >= atRestart + 300);
        }
        assertConverges("after a SIGKILL of the node");
    }

    @Test
    @Order(4)
    void databaseRestartWhileStreamingLosesNoChange() throws Exception {
        try (ChangeWriter writer = writer()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() >= 300);
            pg.restart();
            long atRestart = writer.committed();
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() >= atRestart + 300);
            assertTrue(writer.failed() > 0, "the writer saw the database go away");
        }
        assertConverges("after a restart of the database");
        assertEquals("RUNNING", node.rest().taskState("shop-cdc", 0));
        assertEquals("RUNNING", node.rest().taskState("shop-cdc-lake", 0));
    }

    private ChangeWriter writer() {
        long first = nextNewId;
        nextNewId += 1_000_000;
        return ChangeWriter.start(shop, SNAPSHOT_ROWS, first, 150);
    }

    private void assertConverges(String when) throws Exception {
        Map<Long, String> expected = OrdersTable.rows(shop);
        awaitEqual("the mirror table " + when, expected, () -> OrdersTable.rows(mirror));
        awaitEqual("the lake " + when, expected, () -> Lake.orders(lake, "lake.public.orders"));
    }

    private void awaitEqual(String what, Map<Long, String> expected, Callable<Map<Long, String>> actual)
            throws Exception {
        String[] last = {""};
        try {
            await(what + " equals the source (" + OrdersTable.checksum(expected) + ")")
                    .atMost(CONVERGE)
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        Map<Long, String> now = actual.call();
                        last[0] = OrdersTable.differences(expected, now);
                        return now.equals(expected);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    what + " never equalled the source: " + last[0] + "\nnode log tail:\n"
                            + tail(node.process().output()),
                    e);
        }
        assertEquals(OrdersTable.checksum(expected), OrdersTable.checksum(actual.call()), what);
    }

    private static String tail(String output) {
        return output.substring(Math.max(0, output.length() - 6000));
    }
}
