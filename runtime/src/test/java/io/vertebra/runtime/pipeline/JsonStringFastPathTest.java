package io.vertebra.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** The shortcut writes and reads exactly what Kafka Connect's JsonConverter does. */
class JsonStringFastPathTest {
    private static JsonStringFastPath fast(Map<String, String> config) {
        JsonConverter json = new JsonConverter();
        json.configure(config, false);
        return new JsonStringFastPath(json, config);
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
            JsonStringFastPath fast = fast(config);
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
        JsonStringFastPath fast = fast(Map.of());
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
}
