package io.vertebra.connect.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.jdbc.testing.RecordingContext;
import io.vertebra.connect.jdbc.testing.Rows;
import io.vertebra.testkit.PrivatePostgres;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The sink task driven directly (as Kafka Connect drives it) against a private PostgreSQL 15. */
class JdbcSinkTaskIT {
    static final Schema KEY =
            SchemaBuilder.struct().name("Key").field("id", Schema.INT64_SCHEMA).build();
    static final Schema VALUE = SchemaBuilder.struct()
            .name("Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
            .build();

    static PrivatePostgres pg;
    private final List<JdbcSinkTask> tasks = new ArrayList<>();
    private String topic;

    @BeforeAll
    static void startPostgres() {
        // durable commits: the kill test expects every acknowledged transaction to survive a SIGKILL
        pg = PrivatePostgres.startOrSkip(Map.of("synchronous_commit", "on"));
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void name(TestInfo info) {
        topic = info.getTestMethod().orElseThrow().getName().toLowerCase();
        if (!pg.isRunning()) {
            pg.start();
        }
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(JdbcSinkTask::stop);
    }

    Map<String, String> config(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "sink-" + topic);
        props.put("connection.url", pg.jdbcUrl());
        props.put("auto.create", "true");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    JdbcSinkTask start(Map<String, String> props, RecordingContext context) {
        JdbcSinkTask task = new JdbcSinkTask();
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        task.open(List.of(new TopicPartition(topic, 0)));
        return task;
    }

    JdbcSinkTask start(Map<String, String> props) {
        return start(props, new RecordingContext(false));
    }

    SinkRecord row(long offset, long id, String name, Integer qty) {
        Struct key = new Struct(KEY).put("id", id);
        Struct value = new Struct(VALUE).put("id", id).put("name", name).put("qty", qty);
        return new SinkRecord(topic, 0, KEY, key, VALUE, value, offset);
    }

    SinkRecord tombstone(long offset, long id) {
        return new SinkRecord(topic, 0, KEY, new Struct(KEY).put("id", id), VALUE, null, offset);
    }

    List<Map<String, Object>> table() {
        return Rows.query(pg.jdbcUrl(), "SELECT * FROM \"" + topic + "\" ORDER BY 1");
    }

    static Map<String, Object> r(long id, String name, Integer qty) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("id", id);
        row.put("name", name);
        row.put("qty", qty);
        return row;
    }

    @Test
    void upsertKeepsTheLastValuePerKeyAndTombstonesDelete() {
        JdbcSinkTask task = start(config("insert.mode", "upsert", "pk.mode", "record_key", "delete.enabled", "true"));
        task.put(List.of(
                row(0, 1, "a", 1),
                row(1, 2, "b", 1),
                row(2, 1, "a2", 2),
                tombstone(3, 2),
                row(4, 3, "c", 1),
                tombstone(5, 3),
                row(6, 3, "c2", 5)));
        assertEquals(List.of(r(1, "a2", 2), r(3, "c2", 5)), table());

        task.put(List.of(row(7, 1, "a3", null), tombstone(8, 3), row(9, 4, "d", 4)));
        assertEquals(List.of(r(1, "a3", null), r(4, "d", 4)), table());
        assertEquals(
                List.of("id"),
                Rows.query(
                                pg.jdbcUrl(),
                                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                                        + " AND a.attnum = ANY(i.indkey) WHERE i.indisprimary AND i.indrelid = '\""
                                        + topic + "\"'::regclass")
                        .stream()
                        .map(m -> m.get("attname"))
                        .toList(),
                "auto.create makes the primary key from the record key");
    }

    @Test
    void insertModeWritesEveryRecordAndADuplicateKeyFails() {
        JdbcSinkTask task = start(config("insert.mode", "insert", "pk.mode", "record_key", "max.retries", "0"));
        task.put(List.of(row(0, 1, "a", 1), row(1, 2, "b", 2)));
        assertEquals(List.of(r(1, "a", 1), r(2, "b", 2)), table());
        ConnectException failure = assertThrows(ConnectException.class, () -> task.put(List.of(row(2, 1, "x", 9))));
        assertTrue(failure.getMessage().contains("duplicate key"), failure.getMessage());
        assertTrue(failure.getMessage().contains("errors.tolerance"), failure.getMessage());
        assertEquals(List.of(r(1, "a", 1), r(2, "b", 2)), table());
    }

    @Test
    void updateModeChangesOnlyExistingRows() {
        Rows.execute(
                pg.jdbcUrl(), "CREATE TABLE \"" + topic + "\" (id bigint, name text, qty integer)"); // no key needed
        Rows.execute(pg.jdbcUrl(), "INSERT INTO \"" + topic + "\" VALUES (1, 'a', 1)");
        JdbcSinkTask task = start(config("insert.mode", "update", "pk.mode", "record_key"));
        task.put(List.of(row(0, 1, "a2", 7), row(1, 2, "b", 2)));
        assertEquals(List.of(r(1, "a2", 7)), table());
    }

    @Test
    void kafkaModeKeysRowsByTopicPartitionAndOffset() {
        // without exactly-once a redelivered record is written again: by its coordinates, so it replaces itself
        JdbcSinkTask task = start(config("pk.mode", "kafka", "insert.mode", "upsert", "exactly.once.enabled", "false"));
        task.put(List.of(row(0, 1, "a", 1), row(1, 1, "a", 1)));
        task.put(List.of(row(1, 1, "a-again", 1)));
        List<Map<String, Object>> rows = Rows.query(
                pg.jdbcUrl(),
                "SELECT __connect_topic, __connect_partition, __connect_offset, name FROM \"" + topic
                        + "\" ORDER BY __connect_offset");
        assertEquals(2, rows.size());
        assertEquals(topic, rows.get(0).get("__connect_topic"));
        assertEquals(0, rows.get(0).get("__connect_partition"));
        assertEquals("a-again", rows.get(1).get("name"));
    }

    @Test
    void recordValueKeyAndFieldWhitelist() {
        JdbcSinkTask task = start(config(
                "pk.mode", "record_value", "pk.fields", "id", "insert.mode", "upsert", "fields.whitelist", "name"));
        task.put(List.of(row(0, 1, "a", 1), row(1, 1, "b", 2)));
        assertEquals(
                List.of(Map.of("id", 1L, "name", "b")), Rows.query(pg.jdbcUrl(), "SELECT * FROM \"" + topic + "\""));
    }

    @Test
    void autoEvolveAddsNullableColumnsAndWithoutItTheErrorNamesTheKey() {
        JdbcSinkTask task = start(config("insert.mode", "upsert", "pk.mode", "record_key"));
        task.put(List.of(row(0, 1, "a", 1)));
        Schema wider = SchemaBuilder.struct()
                .name("Value")
                .field("id", Schema.INT64_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
                .field("price", Schema.FLOAT64_SCHEMA)
                .build();
        SinkRecord widerRecord = new SinkRecord(
                topic,
                0,
                KEY,
                new Struct(KEY).put("id", 2L),
                wider,
                new Struct(wider).put("id", 2L).put("name", "b").put("qty", 2).put("price", 2.5),
                1);
        ConnectException noEvolve = assertThrows(ConnectException.class, () -> task.put(List.of(widerRecord)));
        assertTrue(noEvolve.getMessage().contains("auto.evolve=true"), noEvolve.getMessage());
        assertTrue(noEvolve.getMessage().contains("[price]"), noEvolve.getMessage());

        JdbcSinkTask evolving = start(config("insert.mode", "upsert", "pk.mode", "record_key", "auto.evolve", "true"));
        evolving.put(List.of(widerRecord, row(2, 3, "c", 3)));
        assertEquals(
                "YES",
                Rows.scalar(
                        pg.jdbcUrl(),
                        "SELECT is_nullable FROM information_schema.columns WHERE table_name = '" + topic
                                + "' AND column_name = 'price'"));
        assertEquals(
                List.of(
                        Map.of("id", 1L, "price", "null"),
                        Map.of("id", 2L, "price", "2.5"),
                        Map.of("id", 3L, "price", "null")),
                Rows.query(
                        pg.jdbcUrl(),
                        "SELECT id, coalesce(price::text, 'null') AS price FROM \"" + topic + "\" ORDER BY id"));
    }

    @Test
    void missingTableWithoutAutoCreateNamesTheKey() {
        JdbcSinkTask task = start(config("auto.create", "false"));
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(List.of(row(0, 1, "a", 1))));
        assertTrue(e.getMessage().contains("auto.create=true"), e.getMessage());
    }

    @Test
    void schemalessJsonFailsNamingTheConverterSetting() {
        JdbcSinkTask task = start(config());
        SinkRecord schemaless = new SinkRecord(topic, 0, null, null, null, Map.of("id", 1), 0);
        DataException e = assertThrows(DataException.class, () -> task.put(List.of(schemaless)));
        assertTrue(e.getMessage().contains("value.converter.schemas.enable=true"), e.getMessage());
    }

    @Test
    void badRecordsGoToTheReporterAndTheRestIsWritten() {
        Rows.execute(
                pg.jdbcUrl(),
                "CREATE TABLE \"" + topic
                        + "\" (id bigint PRIMARY KEY, name varchar(3), qty integer CHECK (qty >= 0))");
        RecordingContext context = new RecordingContext(true);
        JdbcSinkTask task = start(config("insert.mode", "upsert", "pk.mode", "record_key"), context);
        SinkRecord schemaless = new SinkRecord(topic, 0, null, null, null, Map.of("id", 9), 3);
        task.put(List.of(
                row(0, 1, "ok", 1), row(1, 2, "too long", 1), row(2, 3, "neg", -1), schemaless, row(4, 4, "ok4", 4)));
        assertEquals(List.of(r(1, "ok", 1), r(4, "ok4", 4)), table());
        assertEquals(
                List.of(1L, 2L, 3L),
                context.reported().stream()
                        .map(SinkRecord::kafkaOffset)
                        .sorted()
                        .toList());
    }

    @Test
    void exactlyOnceResumesFromStoredOffsetsAndNeverWritesARecordTwice() {
        Map<String, String> props = config("insert.mode", "insert", "pk.mode", "none");
        JdbcSinkTask first = start(props);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            records.add(row(i, i, "n" + i, i));
        }
        first.put(records.subList(0, 10));
        first.stop();
        tasks.remove(first);

        // a restarted task (Kafka's committed offset lags: it gets 5..19 again) seeks to 10 and skips 5..9
        RecordingContext context = new RecordingContext(false);
        JdbcSinkTask second = start(props, context);
        assertEquals(Map.of(new TopicPartition(topic, 0), 10L), context.seeks());
        second.put(records.subList(5, 20));
        assertEquals(20L, Rows.scalar(pg.jdbcUrl(), "SELECT count(*) FROM \"" + topic + "\""));
        assertEquals(20L, Rows.scalar(pg.jdbcUrl(), "SELECT count(DISTINCT id) FROM \"" + topic + "\""));
        assertEquals(
                20L,
                Rows.scalar(
                        pg.jdbcUrl(),
                        "SELECT next_offset FROM __vertebra_sink_offsets WHERE connector = 'sink-" + topic + "'"));
    }

    @Test
    void databaseDownIsRetriedWithBackoffThenFailsNamingTheCause() {
        Map<String, String> props = config(
                "insert.mode",
                "upsert",
                "pk.mode",
                "record_key",
                "max.retries",
                "2",
                "retry.backoff.ms",
                "100",
                "connection.timeout.ms",
                "500");
        RecordingContext context = new RecordingContext(false);
        JdbcSinkTask task = start(props, context);
        task.put(List.of(row(0, 1, "a", 1)));
        pg.stop();
        List<SinkRecord> batch = List.of(row(1, 1, "a2", 2), row(2, 2, "b", 2));
        assertThrows(org.apache.kafka.connect.errors.RetriableException.class, () -> task.put(batch));
        assertEquals(100, context.timeoutMs());
        assertThrows(org.apache.kafka.connect.errors.RetriableException.class, () -> task.put(batch));
        assertEquals(200, context.timeoutMs(), "the backoff doubles");
        ConnectException failed = assertThrows(ConnectException.class, () -> task.put(batch));
        assertTrue(!(failed instanceof org.apache.kafka.connect.errors.RetriableException), failed.toString());
        assertTrue(failed.getMessage().contains("failed 3 times"), failed.getMessage());
        assertTrue(failed.getMessage().contains("max.retries=2"), failed.getMessage());
        assertTrue(failed.getMessage().toLowerCase().contains("connect"), failed.getMessage());

        // the database comes back mid-stream: Connect redelivers the batch and it lands once
        pg.start();
        JdbcSinkTask again = start(props, new RecordingContext(false));
        again.put(batch);
        assertEquals(List.of(r(1, "a2", 2), r(2, "b", 2)), table());
    }

    @Test
    void connectorValidateReportsEveryCrossKeyProblem() {
        var result = new JdbcSinkConnector()
                .validate(Map.of(
                        "connection.url", pg.jdbcUrl(),
                        "insert.mode", "upsert",
                        "pk.mode", "none",
                        "delete.enabled", "true"));
        Map<String, List<String>> errors = new HashMap<>();
        result.configValues().forEach(v -> errors.put(v.name(), v.errorMessages()));
        assertTrue(errors.get("pk.mode").get(0).contains("insert.mode=upsert needs a primary key"), errors.toString());
        assertTrue(errors.get("delete.enabled").get(0).contains("pk.mode=record_key"), errors.toString());
        var bad = new JdbcSinkConnector().validate(Map.of("connection.url", "jdbc:mysql://x"));
        assertTrue(
                bad.configValues().stream()
                        .filter(v -> v.name().equals("connection.url"))
                        .findFirst()
                        .orElseThrow()
                        .errorMessages()
                        .get(0)
                        .contains("jdbc:postgresql://"),
                "names what would be valid");
    }

    @Test
    void databaseKilledMidStreamLosesNothingAndDuplicatesNothing() {
        Map<String, String> props = config(
                "insert.mode",
                "insert",
                "pk.mode",
                "none",
                "max.retries",
                "5",
                "retry.backoff.ms",
                "50",
                "connection.timeout.ms",
                "500");
        RecordingContext context = new RecordingContext(false);
        JdbcSinkTask task = start(props, context);
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            records.add(row(i, i, "n" + i, i));
        }
        task.put(records.subList(0, 10));
        pg.kill(); // SIGKILL to the postmaster and its children
        assertThrows(org.apache.kafka.connect.errors.RetriableException.class, () -> task.put(records.subList(10, 20)));
        pg.start(); // crash recovery
        task.put(records.subList(10, 20)); // Connect redelivers the batch
        // a restarted task whose Kafka offsets lag gets 0..29 again: it seeks to 20 and writes 20..29 once
        RecordingContext restarted = new RecordingContext(false);
        JdbcSinkTask again = start(props, restarted);
        assertEquals(Map.of(new TopicPartition(topic, 0), 20L), restarted.seeks());
        again.put(records);
        assertEquals(30L, Rows.scalar(pg.jdbcUrl(), "SELECT count(*) FROM \"" + topic + "\""));
        assertEquals(30L, Rows.scalar(pg.jdbcUrl(), "SELECT count(DISTINCT id) FROM \"" + topic + "\""));
    }

    @Test
    void unquotedIdentifiersAreFoldedToLowerCaseAndQuotedOnesKeepTheirCase() {
        Schema mixed = SchemaBuilder.struct()
                .field("Id", Schema.INT64_SCHEMA)
                .field("UserName", Schema.STRING_SCHEMA)
                .build();
        SinkRecord record = new SinkRecord(
                "MixedCase",
                0,
                null,
                null,
                mixed,
                new Struct(mixed).put("Id", 1L).put("UserName", "x"),
                0);
        JdbcSinkTask folded = start(config(
                "quote.sql.identifiers",
                "never",
                "pk.mode",
                "record_value",
                "pk.fields",
                "Id",
                "insert.mode",
                "upsert"));
        folded.put(List.of(record));
        folded.put(List.of(new SinkRecord(
                "MixedCase",
                0,
                null,
                null,
                mixed,
                new Struct(mixed).put("Id", 1L).put("UserName", "y"),
                1)));
        assertEquals(List.of(Map.of("id", 1L, "username", "y")), Rows.query(pg.jdbcUrl(), "SELECT * FROM mixedcase"));

        JdbcSinkTask quoted = start(config("name", "quoted-" + topic));
        quoted.put(List.of(record));
        assertEquals(
                List.of(Map.of("Id", 1L, "UserName", "x")), Rows.query(pg.jdbcUrl(), "SELECT * FROM \"MixedCase\""));
    }

    @Test
    void dbTimezoneGivesConnectTimestampsTheirInstantInTimestamptzColumns() {
        Rows.execute(
                pg.jdbcUrl(),
                "CREATE TABLE \"" + topic + "\" (id bigint, at timestamptz, qty integer CHECK (qty > 0))");
        Schema schema = SchemaBuilder.struct()
                .field("id", Schema.INT64_SCHEMA)
                .field("at", org.apache.kafka.connect.data.Timestamp.SCHEMA)
                .field("qty", Schema.INT32_SCHEMA)
                .build();
        java.util.Date noonUtc = java.util.Date.from(java.time.Instant.parse("2024-01-01T12:00:00Z"));
        JdbcSinkTask task = start(config("db.timezone", "Europe/Paris", "max.retries", "0"));
        SinkRecord bad = new SinkRecord(
                topic,
                0,
                null,
                null,
                schema,
                new Struct(schema).put("id", 1L).put("at", noonUtc).put("qty", -1),
                0);
        assertThrows(ConnectException.class, () -> task.put(List.of(bad)));
        task.put(List.of(new SinkRecord(
                topic,
                0,
                null,
                null,
                schema,
                new Struct(schema).put("id", 2L).put("at", noonUtc).put("qty", 1),
                1)));
        assertEquals(
                "2024-01-01T12:00:00Z",
                Rows.scalar(
                        pg.jdbcUrl(),
                        "SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM \"" + topic
                                + "\""));
    }
}
