package io.vertebra.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyParserTest {
    private static Map<String, String> config(String body, String type) {
        return BodyParser.config(BodyParser.parse(body.getBytes(StandardCharsets.UTF_8), type), "config", false);
    }

    @Test
    void numbersAndBooleansBecomeStrings() {
        assertEquals(
                Map.of("tasks.max", "3", "flag", "true", "ratio", "0.5"),
                config("{\"tasks.max\": 3, \"flag\": true, \"ratio\": 0.5}", "application/json"));
    }

    @Test
    void yamlBodiesWithListsAndNestedMaps() {
        Map<String, String> c = config("""
                connector.class: FileStreamSink
                topics: [a, b]
                transforms:
                  route:
                    type: org.apache.kafka.connect.transforms.RegexRouter
                """, "application/yaml");
        assertEquals("a,b", c.get("topics"));
        assertEquals("org.apache.kafka.connect.transforms.RegexRouter", c.get("transforms.route.type"));
    }

    @Test
    void aBodyWithoutContentTypeIsReadAsJsonThenYaml() {
        assertEquals(Map.of("a", "1"), config("a: 1", null));
        assertEquals(Map.of("a", "1"), config("{\"a\": 1}", null));
    }

    @Test
    void problemsAre400sThatNameThem() {
        RestException e = assertThrows(RestException.class, () -> config("{\"a\": ", "application/json"));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().startsWith("Malformed JSON body"), e.getMessage());
        e = assertThrows(RestException.class, () -> config("{\"a\": null}", "application/json"));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        e = assertThrows(RestException.class, () -> BodyParser.parse(new byte[] {(byte) 0xC3, 0x28}, null));
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        e = assertThrows(RestException.class, () -> config("[1]", "application/json"));
        assertTrue(e.getMessage().contains("must be an object"), e.getMessage());
    }

    @Test
    void patchesMayRemoveKeysWithNull() {
        Map<String, String> patch = BodyParser.config(
                BodyParser.parse("{\"a\": null}".getBytes(StandardCharsets.UTF_8), "application/json"), "patch", true);
        assertTrue(patch.containsKey("a"));
        assertEquals(null, patch.get("a"));
    }
}
