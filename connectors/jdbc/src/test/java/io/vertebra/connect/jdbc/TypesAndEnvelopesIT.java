package io.vertebra.connect.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertebra.connect.jdbc.testing.RecordingContext;
import io.vertebra.connect.jdbc.testing.Rows;
import io.vertebra.testkit.PrivatePostgres;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every Connect and Debezium type into auto-created columns, and Debezium change events, on a real PostgreSQL. */
class TypesAndEnvelopesIT {
    static PrivatePostgres pg;
    private final List<JdbcSinkTask> tasks = new ArrayList<>();

    @BeforeAll
    static void startPostgres() {
        pg = PrivatePostgres.startOrSkip();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @AfterEach
    void stopTasks() {
        tasks.forEach(JdbcSinkTask::stop);
    }

    JdbcSinkTask start(String topic, String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "sink-" + topic);
        props.put("connection.url", pg.jdbcUrl());
        props.put("auto.create", "true");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        JdbcSinkTask task = new JdbcSinkTask();
        task.initialize(new RecordingContext(false));
        task.start(props);
        task.open(List.of(new TopicPartition(topic, 0)));
        tasks.add(task);
        return task;
    }

    static Schema named(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    @Test
    void everyConnectAndDebeziumTypeGetsAProperColumnAndKeepsItsValue() {
        Schema nested = SchemaBuilder.struct()
                .optional()
                .field("a", Schema.INT32_SCHEMA)
                .field("b", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Schema variableScale = SchemaBuilder.struct()
                .name("io.debezium.data.VariableScaleDecimal")
                .optional()
                .field("scale", Schema.INT32_SCHEMA)
                .field("value", Schema.BYTES_SCHEMA)
                .build();
        Schema bits = SchemaBuilder.bytes()
                .name("io.debezium.data.Bits")
                .parameter("length", "10")
                .optional()
                .build();
        Schema schema = SchemaBuilder.struct()
                .name("AllTypes")
                .field("id", Schema.INT32_SCHEMA)
                .field("i8", Schema.OPTIONAL_INT8_SCHEMA)
                .field("i16", Schema.OPTIONAL_INT16_SCHEMA)
                .field("i64", Schema.OPTIONAL_INT64_SCHEMA)
                .field("f32", Schema.OPTIONAL_FLOAT32_SCHEMA)
                .field("f64", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                .field("txt", Schema.OPTIONAL_STRING_SCHEMA)
                .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("dec", Decimal.builder(2).optional().build())
                .field("d", Date.builder().optional().build())
                .field("t", Time.builder().optional().build())
                .field("ts", Timestamp.builder().optional().build())
                .field(
                        "tags",
                        SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA)
                                .optional()
                                .build())
                .field(
                        "nums",
                        SchemaBuilder.array(Schema.INT32_SCHEMA).optional().build())
                .field(
                        "attrs",
                        SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA)
                                .optional()
                                .build())
                .field("inner", nested)
                .field("dbz_date", named(Schema.Type.INT32, "io.debezium.time.Date"))
                .field("dbz_time", named(Schema.Type.INT32, "io.debezium.time.Time"))
                .field("dbz_micro_time", named(Schema.Type.INT64, "io.debezium.time.MicroTime"))
                .field("dbz_ts", named(Schema.Type.INT64, "io.debezium.time.Timestamp"))
                .field("dbz_micro_ts", named(Schema.Type.INT64, "io.debezium.time.MicroTimestamp"))
                .field("dbz_nano_ts", named(Schema.Type.INT64, "io.debezium.time.NanoTimestamp"))
                .field("dbz_zoned_ts", named(Schema.Type.STRING, "io.debezium.time.ZonedTimestamp"))
                .field("dbz_zoned_time", named(Schema.Type.STRING, "io.debezium.time.ZonedTime"))
                .field("dbz_year", named(Schema.Type.INT32, "io.debezium.time.Year"))
                .field("dbz_duration", named(Schema.Type.INT64, "io.debezium.time.MicroDuration"))
                .field("dbz_interval", named(Schema.Type.STRING, "io.debezium.time.Interval"))
                .field("dbz_vdec", variableScale)
                .field("dbz_uuid", named(Schema.Type.STRING, "io.debezium.data.Uuid"))
                .field("dbz_json", named(Schema.Type.STRING, "io.debezium.data.Json"))
                .field("dbz_xml", named(Schema.Type.STRING, "io.debezium.data.Xml"))
                .field("dbz_bits", bits)
                .field("dbz_enum", named(Schema.Type.STRING, "io.debezium.data.Enum"))
                .build();

        LocalDateTime wallClock = LocalDateTime.of(2024, 2, 29, 10, 15, 30, 123_456_789);
        long epochMicros = wallClock.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + wallClock.getNano() / 1_000;
        BitSet bitSet = new BitSet();
        bitSet.set(0);
        bitSet.set(9);
        Struct value = new Struct(schema)
                .put("id", 1)
                .put("i8", (byte) 7)
                .put("i16", (short) -300)
                .put("i64", Long.MAX_VALUE)
                .put("f32", 1.5f)
                .put("f64", Double.NaN)
                .put("flag", true)
                .put("txt", "tab\there\nnew \\ line 'quoted' \"dq\" ünïcødé")
                .put("raw", new byte[] {1, 2, (byte) 255})
                .put("dec", new BigDecimal("-12.34"))
                .put("d", new java.util.Date(LocalDate.of(2024, 2, 29).toEpochDay() * 86_400_000L))
                .put(
                        "t",
                        new java.util.Date(LocalTime.of(10, 15, 30, 123_000_000).toNanoOfDay() / 1_000_000))
                .put(
                        "ts",
                        new java.util.Date(wallClock.toInstant(ZoneOffset.UTC).toEpochMilli()))
                .put("tags", Arrays.asList("x", "y \"q\" {,}", null))
                .put("nums", List.of(1, 2, 3))
                .put("attrs", Map.of("k", 1))
                .put("inner", new Struct(nested).put("a", 1).put("b", "s\"x"))
                .put("dbz_date", (int) LocalDate.of(2024, 2, 29).toEpochDay())
                .put("dbz_time", 37_230_123)
                .put("dbz_micro_time", 37_230_123_456L)
                .put("dbz_ts", epochMicros / 1000)
                .put("dbz_micro_ts", epochMicros)
                .put("dbz_nano_ts", epochMicros * 1000 + 789)
                .put("dbz_zoned_ts", "2024-02-29T10:15:30.5+02:00")
                .put("dbz_zoned_time", "10:15:30Z")
                .put("dbz_year", 2024)
                .put("dbz_duration", 90_061_000_000L)
                .put("dbz_interval", "P1Y2M3DT4H5M6S")
                .put(
                        "dbz_vdec",
                        new Struct(variableScale)
                                .put("scale", 3)
                                .put("value", BigInteger.valueOf(-12345).toByteArray()))
                .put("dbz_uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
                .put("dbz_json", "{\"a\": [1, 2]}")
                .put("dbz_xml", "<a>1</a>")
                .put("dbz_bits", bitSet.toByteArray())
                .put("dbz_enum", "RED");
        Struct nulls = new Struct(schema).put("id", 2);

        String topic = "all_types";
        JdbcSinkTask task = start(topic, "db.timezone", "UTC");
        task.put(List.of(
                new SinkRecord(topic, 0, null, null, schema, value, 0),
                new SinkRecord(topic, 0, null, null, schema, nulls, 1)));

        Map<String, String> expectedTypes = new LinkedHashMap<>();
        expectedTypes.put("id", "integer");
        expectedTypes.put("i8", "smallint");
        expectedTypes.put("i16", "smallint");
        expectedTypes.put("i64", "bigint");
        expectedTypes.put("f32", "real");
        expectedTypes.put("f64", "double precision");
        expectedTypes.put("flag", "boolean");
        expectedTypes.put("txt", "text");
        expectedTypes.put("raw", "bytea");
        expectedTypes.put("dec", "numeric");
        expectedTypes.put("d", "date");
        expectedTypes.put("t", "time without time zone");
        expectedTypes.put("ts", "timestamp without time zone");
        expectedTypes.put("tags", "text[]");
        expectedTypes.put("nums", "integer[]");
        expectedTypes.put("attrs", "jsonb");
        expectedTypes.put("inner", "jsonb");
        expectedTypes.put("dbz_date", "date");
        expectedTypes.put("dbz_time", "time without time zone");
        expectedTypes.put("dbz_micro_time", "time without time zone");
        expectedTypes.put("dbz_ts", "timestamp without time zone");
        expectedTypes.put("dbz_micro_ts", "timestamp without time zone");
        expectedTypes.put("dbz_nano_ts", "timestamp without time zone");
        expectedTypes.put("dbz_zoned_ts", "timestamp with time zone");
        expectedTypes.put("dbz_zoned_time", "time with time zone");
        expectedTypes.put("dbz_year", "integer");
        expectedTypes.put("dbz_duration", "interval");
        expectedTypes.put("dbz_interval", "interval");
        expectedTypes.put("dbz_vdec", "numeric");
        expectedTypes.put("dbz_uuid", "uuid");
        expectedTypes.put("dbz_json", "jsonb");
        expectedTypes.put("dbz_xml", "xml");
        expectedTypes.put("dbz_bits", "bit varying");
        expectedTypes.put("dbz_enum", "text");
        Map<String, Object> actualTypes = new LinkedHashMap<>();
        Rows.query(
                        pg.jdbcUrl(),
                        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a"
                                + " WHERE a.attrelid = 'all_types'::regclass AND a.attnum > 0 ORDER BY a.attnum")
                .forEach(row -> actualTypes.put((String) row.get("attname"), row.get("type")));
        assertEquals(expectedTypes, actualTypes);

        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("i8", "7");
        expected.put("i16", "-300");
        expected.put("i64", "9223372036854775807");
        expected.put("f32", "1.5");
        expected.put("f64", "NaN");
        expected.put("flag", "true");
        expected.put("txt", "tab\there\nnew \\ line 'quoted' \"dq\" ünïcødé");
        expected.put("raw", "\\x0102ff");
        expected.put("dec", "-12.34");
        expected.put("d", "2024-02-29");
        expected.put("t", "10:15:30.123");
        expected.put("ts", "2024-02-29 10:15:30.123");
        expected.put("tags", "{x,\"y \\\"q\\\" {,}\",NULL}");
        expected.put("nums", "{1,2,3}");
        expected.put("attrs", "{\"k\": 1}");
        expected.put("inner", "{\"a\": 1, \"b\": \"s\\\"x\"}");
        expected.put("dbz_date", "2024-02-29");
        expected.put("dbz_time", "10:20:30.123");
        expected.put("dbz_micro_time", "10:20:30.123456");
        expected.put("dbz_ts", "2024-02-29 10:15:30.123");
        expected.put("dbz_micro_ts", "2024-02-29 10:15:30.123456");
        expected.put("dbz_nano_ts", "2024-02-29 10:15:30.123457"); // PostgreSQL rounds to microseconds
        expected.put("dbz_zoned_ts", "2024-02-29 08:15:30.5+00");
        expected.put("dbz_zoned_time", "10:15:30+00");
        expected.put("dbz_year", "2024");
        expected.put("dbz_duration", "25:01:01");
        expected.put("dbz_interval", "1 year 2 mons 3 days 04:05:06");
        expected.put("dbz_vdec", "-12.345");
        expected.put("dbz_uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        expected.put("dbz_json", "{\"a\": [1, 2]}");
        expected.put("dbz_xml", "<a>1</a>");
        expected.put("dbz_bits", "1000000001");
        expected.put("dbz_enum", "RED");
        String columns = String.join(
                ", ",
                expected.keySet().stream()
                        .map(c -> "\"" + c + "\"::text AS \"" + c + "\"")
                        .toList());
        List<Map<String, Object>> rows = Rows.query(
                pg.jdbcUrl() + "&options=-c%20TimeZone=UTC", "SELECT " + columns + " FROM all_types ORDER BY id");
        assertEquals(expected, rows.get(0));
        Map<String, Object> allNull = new LinkedHashMap<>();
        expected.keySet().forEach(k -> allNull.put(k, null));
        assertEquals(allNull, rows.get(1), "optional fields without a value are NULL");
    }

    static final Schema KEY = SchemaBuilder.struct()
            .name("srv.inventory.customers.Key")
            .field("id", Schema.INT32_SCHEMA)
            .build();
    static final Schema ROW = SchemaBuilder.struct()
            .name("srv.inventory.customers.Value")
            .optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("email", Schema.STRING_SCHEMA)
            .build();
    static final Schema SOURCE = SchemaBuilder.struct()
            .name("io.debezium.connector.postgresql.Source")
            .field("db", Schema.STRING_SCHEMA)
            .build();
    static final Schema ENVELOPE = SchemaBuilder.struct()
            .name("srv.inventory.customers.Envelope")
            .field("before", ROW)
            .field("after", ROW)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    static SinkRecord event(String topic, long offset, String op, Integer id, String before, String after) {
        Struct key = id == null ? null : new Struct(KEY).put("id", id);
        Struct envelope = new Struct(ENVELOPE)
                .put("op", op)
                .put("source", new Struct(SOURCE).put("db", "inventory"))
                .put("ts_ms", 1L);
        if (before != null) {
            envelope.put("before", new Struct(ROW).put("id", id).put("email", before));
        }
        if (after != null) {
            envelope.put("after", new Struct(ROW).put("id", id).put("email", after));
        }
        return new SinkRecord(topic, 0, id == null ? null : KEY, key, ENVELOPE, envelope, offset);
    }

    @Test
    void debeziumChangeEventsUpsertDeleteAndTruncate() {
        String topic = "srv.inventory.customers";
        JdbcSinkTask task = start(
                topic,
                "insert.mode",
                "upsert",
                "pk.mode",
                "record_key",
                "delete.enabled",
                "true",
                "truncate.enabled",
                "true");
        task.put(List.of(
                event(topic, 0, "r", 1, null, "a@x"),
                event(topic, 1, "c", 2, null, "b@x"),
                event(topic, 2, "u", 1, "a@x", "a2@x"),
                event(topic, 3, "d", 2, "b@x", null),
                new SinkRecord(topic, 0, KEY, new Struct(KEY).put("id", 2), ENVELOPE, null, 4),
                event(topic, 5, "c", 3, null, "c@x")));
        String table = "srv_inventory_customers"; // a topic with two dots becomes one table name
        assertEquals(
                List.of(Map.of("id", 1, "email", "a2@x"), Map.of("id", 3, "email", "c@x")),
                Rows.query(pg.jdbcUrl(), "SELECT id, email FROM " + table + " ORDER BY id"));
        assertEquals(
                "NO",
                Rows.scalar(
                        pg.jdbcUrl(),
                        "SELECT is_nullable FROM information_schema.columns WHERE table_name = '" + table
                                + "' AND column_name = 'email'"),
                "a required source column stays NOT NULL");

        task.put(List.of(event(topic, 6, "t", null, null, null), event(topic, 7, "c", 4, null, "d@x")));
        assertEquals(
                List.of(Map.of("id", 4, "email", "d@x")),
                Rows.query(pg.jdbcUrl(), "SELECT id, email FROM " + table + " ORDER BY id"));
    }
}
