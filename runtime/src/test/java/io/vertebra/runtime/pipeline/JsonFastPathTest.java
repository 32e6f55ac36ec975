package io.vertebra.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** The shortcut writes and reads exactly what Kafka Connect's JsonConverter does. */
class JsonFastPathTest {
    private static JsonFastPath fast(Map<String, String> config) {
        JsonConverter json = new JsonConverter();
        json.configure(config, false);
        return new JsonFastPath(json, config, false);
    }

    private static JsonConverter reference(Map<String, String> config) {
        JsonConverter json = new JsonConverter();
        json.configure(config, false);
        return json;
    }

    private static String randomText(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(200);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(6)) {
                case 0 -> sb.append((char) r.nextInt(0x20)); // control characters
                case 1 -> sb.append("\"\\/");
                case 2 -> sb.append("é漢😀");
                case 3 -> sb.append((char) (0xD800 + r.nextInt(0x800))); // lone surrogates
                default -> sb.append((char) ('a' + r.nextInt(26)));
            }
        }
        return sb.toString();
    }

    @Test
    void bytesMatchJsonConverterWithAndWithoutSchemas() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (Map<String, String> config : new Map[] {Map.of(), Map.of("schemas.enable", "false")}) {
            JsonFastPath fast = fast(config);
            JsonConverter reference = reference(config);
            for (int i = 0; i < 2000; i++) {
                String text = randomText(random);
                for (Schema schema : new Schema[] {Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA}) {
                    byte[] expected = reference.fromConnectData("t", schema, text);
                    byte[] actual = fast.fromConnectData("t", schema, text);
                    assertArrayEquals(expected, actual, "seed " + seed + " text " + text);
                    assertEquals(
                            reference.toConnectData("t", expected), fast.toConnectData("t", expected), "seed " + seed);
                }
            }
        }
    }

    @Test
    void everythingElseGoesToJsonConverter() {
        JsonFastPath fast = fast(Map.of());
        JsonConverter reference = reference(Map.of());
        Schema named = SchemaBuilder.string().name("com.example.Name").build();
        assertArrayEquals(reference.fromConnectData("t", named, "x"), fast.fromConnectData("t", named, "x"));
        assertArrayEquals(
                reference.fromConnectData("t", Schema.INT32_SCHEMA, 5),
                fast.fromConnectData("t", Schema.INT32_SCHEMA, 5));
        byte[] nullPayload = reference.fromConnectData("t", Schema.OPTIONAL_STRING_SCHEMA, null);
        assertEquals(reference.toConnectData("t", nullPayload), fast.toConnectData("t", nullPayload));
        byte[] tricky =
                "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"a\",\"extra\":1}".getBytes();
        assertThrows(DataException.class, () -> reference.toConnectData("t", tricky));
        assertThrows(DataException.class, () -> fast.toConnectData("t", tricky), "same error as JsonConverter");
        byte[] broken = "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"a}".getBytes();
        assertThrows(DataException.class, () -> fast.toConnectData("t", broken));
    }

    /** A change-data-capture value: Debezium's envelope around a row of most Connect types. */
    private static final Schema ROW = SchemaBuilder.struct()
            .name("shop.public.orders.Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("item", Schema.OPTIONAL_STRING_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .field("created", Timestamp.builder().optional().build())
            .field("day", Date.builder().optional().build())
            .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field(
                    "attrs",
                    SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA)
                            .optional()
                            .build())
            .field(
                    "scores",
                    SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.FLOAT64_SCHEMA)
                            .optional()
                            .build())
            .field(
                    "flag",
                    SchemaBuilder.bool()
                            .optional()
                            .defaultValue(true)
                            .doc("a default")
                            .build())
            .field("ratio", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .optional()
            .build();

    private static final Schema SOURCE = SchemaBuilder.struct()
            .name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field(
                    "snapshot",
                    SchemaBuilder.string()
                            .optional()
                            .parameter("allowed", "true,last,false")
                            .build())
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .name("shop.public.orders.Envelope")
            .version(2)
            .field("before", ROW)
            .field("after", ROW)
            .field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    private static final Schema KEY = SchemaBuilder.struct()
            .name("shop.public.orders.Key")
            .field("id", Schema.INT64_SCHEMA)
            .build();

    private static Struct row(Random r, long id) {
        Struct row = new Struct(ROW).put("id", id);
        if (r.nextBoolean()) {
            row.put("item", randomText(r));
        }
        if (r.nextInt(4) > 0) {
            row.put("price", BigDecimal.valueOf(r.nextLong() % 100_000_000, 2));
        }
        row.put("created", new java.util.Date(r.nextLong() % 4_000_000_000_000L));
        row.put("day", new java.util.Date((r.nextInt(40_000) - 20_000) * 86_400_000L));
        if (r.nextBoolean()) {
            byte[] blob = new byte[r.nextInt(40)];
            r.nextBytes(blob);
            row.put("blob", blob);
        }
        row.put("tags", List.of(randomText(r), "t" + r.nextInt(10)));
        row.put("attrs", Map.of("a", r.nextInt(), "b\"", r.nextInt(5)));
        if (r.nextBoolean()) {
            row.put("scores", Map.of(r.nextInt(), r.nextDouble() * 1e300, 7, -0.0));
        }
        if (r.nextBoolean()) {
            row.put("flag", r.nextBoolean());
        }
        row.put("ratio", r.nextFloat());
        return row;
    }

    private static Struct change(Random r) {
        long id = r.nextLong();
        Struct value = new Struct(ENVELOPE)
                .put("source", new Struct(SOURCE).put("version", "3.6.1.Final").put("lsn", r.nextLong()))
                .put("op", List.of("c", "u", "d", "r").get(r.nextInt(4)));
        if (r.nextBoolean()) {
            value.put("before", row(r, id));
        }
        if (r.nextInt(5) > 0) {
            value.put("after", row(r, id));
        }
        if (r.nextBoolean()) {
            value.put("ts_ms", r.nextLong());
        }
        return value;
    }

    @Test
    void enveloppedRecordsMatchJsonConverterAndSkipTheSchemaOnceSeen() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Map<String, String>> configs =
                List.of(Map.of(), Map.of("decimal.format", "NUMERIC"), Map.of("replace.null.with.default", "false"));
        for (Map<String, String> config : configs) {
            JsonFastPath fast = fast(config);
            JsonConverter reference = reference(config);
            int records = 600;
            for (int i = 0; i < records; i++) {
                Struct change = change(random);
                Struct key = new Struct(KEY).put("id", random.nextLong());
                // values, keys and bare rows interleaved: each schema is found again by its own bytes
                for (Object[] record : new Object[][] {{ENVELOPE, change}, {KEY, key}, {ROW, change.get("before")}}) {
                    Schema schema = (Schema) record[0];
                    byte[] expected = reference.fromConnectData("t", schema, record[1]);
                    assertArrayEquals(
                            expected,
                            fast.fromConnectData("t", schema, record[1]),
                            "seed " + seed + " config " + config + " record " + i);
                    assertEquals(
                            reference.toConnectData("t", expected),
                            fast.toConnectData("t", expected),
                            "seed " + seed + " config " + config + " record " + i);
                }
            }
            long[] shortcuts = fast.envelopeShortcuts();
            // every record after the second sighting of its schema (writes) or the first (reads)
            assertEquals(3L * records - 6, shortcuts[0], "shortcut writes, config " + config);
            assertEquals(3L * records - 3, shortcuts[1], "shortcut reads, config " + config);
        }
    }

    @Test
    void moreSchemasInTurnThanTheCacheHoldsStayCorrect() {
        JsonFastPath fast = fast(Map.of());
        JsonConverter reference = reference(Map.of());
        List<Schema> schemas = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            schemas.add(SchemaBuilder.struct()
                    .name("k" + i)
                    .field("id", Schema.INT64_SCHEMA)
                    .build());
        }
        for (int round = 0; round < 30; round++) {
            for (Schema schema : schemas) {
                Struct value = new Struct(schema).put("id", (long) round);
                byte[] expected = reference.fromConnectData("t", schema, value);
                assertArrayEquals(expected, fast.fromConnectData("t", schema, value));
                assertEquals(reference.toConnectData("t", expected), fast.toConnectData("t", expected));
            }
        }
    }

    @Test
    void aSchemaStillBeingBuiltIsNeverShortcut() {
        JsonFastPath fast = fast(Map.of());
        JsonConverter reference = reference(Map.of());
        SchemaBuilder building = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA);
        for (int i = 0; i < 5; i++) {
            Struct value = new Struct(building).put("a", i);
            assertArrayEquals(
                    reference.fromConnectData("t", building, value), fast.fromConnectData("t", building, value));
        }
        assertEquals(0, fast.envelopeShortcuts()[0]);
    }

    @Test
    void badEnvelopesGetJsonConvertersErrors() {
        JsonFastPath fast = fast(Map.of());
        JsonConverter reference = reference(Map.of());
        Struct key = new Struct(KEY).put("id", 1L);
        byte[] good = reference.fromConnectData("t", KEY, key);
        assertEquals(reference.toConnectData("t", good), fast.toConnectData("t", good)); // learns the schema
        String text = new String(good, StandardCharsets.UTF_8);
        String head = text.substring(0, text.indexOf("\"payload\":") + "\"payload\":".length());
        for (String bad : List.of(
                head + "{\"id\":\"one\"}}",
                head + "{\"id\":1},\"extra\":2}",
                head + "{\"id\":1}}}",
                head + "{\"id\":1",
                head + "}",
                head + "{\"id\":01}}",
                head + "null}")) {
            byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
            Object expected = outcome(() -> reference.toConnectData("t", bytes));
            Object actual = outcome(() -> fast.toConnectData("t", bytes));
            assertEquals(expected, actual, bad);
        }
        assertTrue(fast.envelopeShortcuts()[1] >= 2, "the well-formed ones went the short way");
    }

    /** The result, or the exception's class and message. */
    private static Object outcome(java.util.function.Supplier<Object> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    @Test
    void jsonConvertersOwnConversionIsFound() {
        // reads are shortcut only through JsonConverter's own payload conversion; a connect-json upgrade that moves
        // it must be noticed here, not as a silent slowdown
        assertTrue(JsonEnvelopeCache.readsShortcut());
    }
}
