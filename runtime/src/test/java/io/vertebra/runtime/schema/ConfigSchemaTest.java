package io.vertebra.runtime.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.runtime.plugins.PluginType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.junit.jupiter.api.Test;

/** Every ConfigDef type and every validator Kafka ships, as the JSON Schema says them. */
class ConfigSchemaTest {
    /** A validator that also recommends its values, as the file connectors' Choice does. */
    static final class Choice implements ConfigDef.Validator, ConfigDef.Recommender {
        @Override
        public void ensureValid(String name, Object value) {}

        @Override
        public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
            return List.of("line", "json");
        }

        @Override
        public boolean visible(String name, Map<String, Object> parsedConfig) {
            return true;
        }
    }

    static final ConfigDef EVERYTHING = new ConfigDef()
            .define("a.boolean", Type.BOOLEAN, true, Importance.LOW, "A boolean.")
            .define("a.short", Type.SHORT, (short) 3, ConfigDef.Range.between(1, 10), Importance.LOW, "A short.")
            .define(
                    "an.int",
                    Type.INT,
                    ConfigDef.NO_DEFAULT_VALUE,
                    ConfigDef.Range.atLeast(0),
                    Importance.HIGH,
                    "An int.")
            .define("a.long", Type.LONG, 60_000L, Importance.LOW, "A long.")
            .define("a.double", Type.DOUBLE, 0.5, ConfigDef.Range.between(0, 1), Importance.LOW, "A double.")
            .define("a.string", Type.STRING, "b", ConfigDef.ValidString.in("a", "b"), Importance.LOW, "A choice.")
            .define(
                    "any.case",
                    Type.STRING,
                    "PLAIN",
                    ConfigDef.CaseInsensitiveValidString.in("PLAIN", "SSL"),
                    Importance.LOW,
                    "Any case.")
            .define("a.list", Type.LIST, "x,y", ConfigDef.ValidList.in(false, "x", "y", "z"), Importance.LOW, "A list.")
            .define(
                    "a.short.list",
                    Type.LIST,
                    "",
                    ConfigDef.CompositeValidator.of(
                            ConfigDef.ListSize.atMostOfSize(2), new ConfigDef.NonNullValidator()),
                    Importance.LOW,
                    "At most two.")
            .define("a.class", Type.CLASS, String.class, Importance.LOW, "A class.")
            .define("a.password", Type.PASSWORD, "secret", Importance.HIGH, "A secret.")
            .define("not.empty", Type.STRING, "x", new ConfigDef.NonEmptyString(), Importance.LOW, "Not empty.")
            .define(
                    "no.control",
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.LOW,
                    "A name.")
            .define(
                    "lambda",
                    Type.STRING,
                    null,
                    ConfigDef.LambdaValidator.with((n, v) -> {}, () -> "a word"),
                    Importance.LOW,
                    "Says what.")
            .define("nameless", Type.STRING, null, (n, v) -> {}, Importance.LOW, "Says nothing.")
            .define("a.choice", Type.STRING, "line", new Choice(), Importance.LOW, "Recommends.");

    private final ObjectNode schema = ConfigSchema.object(EVERYTHING, Set.of("no.control"));

    private JsonNode p(String key) {
        return schema.get("properties").get(key);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void typesAcceptTheWrittenAndTheStringForms() {
        assertEquals(List.of("boolean", "string"), texts(p("a.boolean").get("type")));
        assertEquals(ConfigSchema.BOOLEAN_PATTERN, p("a.boolean").get("pattern").asText());
        assertEquals(List.of("integer", "string"), texts(p("a.long").get("type")));
        assertEquals(ConfigSchema.INTEGER_PATTERN, p("a.long").get("pattern").asText());
        assertEquals(List.of("number", "string"), texts(p("a.double").get("type")));
        assertEquals(List.of("string", "array"), texts(p("a.list").get("type")));
        assertEquals("string", p("a.class").get("type").asText());
        assertEquals(List.of("string", "number", "boolean"), texts(p("a.string").get("type")));
    }

    @Test
    void defaultsAreTypedAndSecretsHaveNone() {
        assertTrue(p("a.boolean").get("default").asBoolean());
        assertEquals(3, p("a.short").get("default").asInt());
        assertEquals(60_000L, p("a.long").get("default").asLong());
        assertEquals(0.5, p("a.double").get("default").asDouble());
        assertEquals("x,y", p("a.list").get("default").asText());
        assertEquals("java.lang.String", p("a.class").get("default").asText());
        assertFalse(p("a.password").has("default"), "a password's default is never shown");
        assertTrue(p("a.password").get("writeOnly").asBoolean());
        assertFalse(p("lambda").has("default"), "a null default is no default");
    }

    @Test
    void requiredKeysAreThoseWithoutDefault() {
        assertEquals(List.of("an.int"), texts(schema.get("required")), "no.control is supplied elsewhere");
    }

    @Test
    void validatorsBecomeConstraints() {
        assertEquals(1, p("a.short").get("minimum").asInt());
        assertEquals(10, p("a.short").get("maximum").asInt());
        assertEquals(0, p("an.int").get("minimum").asInt());
        assertFalse(p("an.int").has("maximum"));
        assertEquals(1.0, p("a.double").get("maximum").asDouble());
        assertEquals(List.of("a", "b"), texts(p("a.string").get("enum")));
        assertEquals(
                "^\\s*([pP][lL][aA][iI][nN]|[sS][sS][lL])\\s*$",
                p("any.case").get("pattern").asText());
        assertEquals(List.of("PLAIN", "SSL"), texts(p("any.case").get("examples")));
        assertEquals(List.of("x", "y", "z"), texts(p("a.list").get("items").get("enum")));
        assertEquals(1, p("a.list").get("minItems").asInt(), "ValidList.in(false, ...): not empty");
        assertTrue("x, z".matches(p("a.list").get("pattern").asText()));
        assertFalse("x,w".matches(p("a.list").get("pattern").asText()));
        assertEquals(2, p("a.short.list").get("maxItems").asInt());
        assertEquals(1, p("not.empty").get("minLength").asInt());
        assertEquals(
                ConfigSchema.NO_CONTROL_CHARS_PATTERN,
                p("no.control").get("pattern").asText());
        assertTrue(p("lambda").get("description").asText().endsWith("Valid values: a word."));
        assertEquals("Says nothing.", p("nameless").get("description").asText(), "no identity hash in the text");
        assertEquals(List.of("line", "json"), texts(p("a.choice").get("examples")));
    }

    @Test
    void connectorSchemaNamesItsClassAndTheKeysEveryConnectorHas() {
        ObjectNode connector = ConnectorSchema.of("com.acme.FooSourceConnector", PluginType.SOURCE, "1.2", EVERYTHING);
        assertEquals(ConfigSchema.DRAFT, connector.get("$schema").asText());
        assertEquals(
                List.of("com.acme.FooSourceConnector", "FooSourceConnector", "FooSource"),
                texts(connector.get("properties").get("connector.class").get("enum")));
        assertEquals("com.acme.FooSourceConnector", ConnectorSchema.connectorClass(connector));
        assertTrue(connector.get("properties").has("tasks.max"), "the common keys");
        assertTrue(connector.get("properties").has("topic.creation.default.partitions"), "the source keys");
        assertTrue(connector.get("properties").has("a.double"), "the connector's own keys");
        assertEquals(
                List.of("an.int", "connector.class", "no.control"),
                texts(connector.get("required")),
                "name comes from the document");
        assertFalse(connector.get("additionalProperties").asBoolean(), "closed: a typo is an error in an editor");
        assertTrue(connector.get("patternProperties").has("^transforms\\.[^.]+\\..+$"));
        assertFalse(
                ConnectorSchema.common().get("additionalProperties").isBoolean()
                        && !ConnectorSchema.common().get("additionalProperties").asBoolean(),
                "an unknown class's schema stays open");
    }

    @Test
    void clientOverridesAndTopicCreationKeysAreSpelledOut() {
        ObjectNode connector = ConnectorSchema.of("com.acme.FooSourceConnector", PluginType.SOURCE, "1.2", EVERYTHING);
        java.util.List<java.util.regex.Pattern> patterns = new java.util.ArrayList<>();
        connector
                .get("patternProperties")
                .fieldNames()
                .forEachRemaining(p -> patterns.add(java.util.regex.Pattern.compile(p)));
        java.util.function.Predicate<String> allowed =
                key -> patterns.stream().anyMatch(p -> p.matcher(key).find());
        assertTrue(allowed.test("consumer.override.max.poll.records"));
        assertFalse(allowed.test("consumer.override.max.pol.records"));
        assertTrue(allowed.test("producer.override.linger.ms"));
        assertTrue(allowed.test("admin.override.request.timeout.ms"));
        assertTrue(allowed.test("topic.creation.default.cleanup.policy"));
        assertTrue(allowed.test("topic.creation.compacted.include"));
        assertFalse(allowed.test("topic.creation.default.partitionz"));
        assertTrue(allowed.test("value.converter.schemas.enable"), "converter keys depend on the class: open");
        assertFalse(allowed.test("errors.tolerancee"), "errors.* keys are declared, not a prefix");
    }

    @Test
    void generationIsDeterministic() {
        assertEquals(
                ConfigSchema.object(EVERYTHING, Set.of()).toString(),
                ConfigSchema.object(EVERYTHING, Set.of()).toString());
    }
}
