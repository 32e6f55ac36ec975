package io.vertebra.runtime.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.runtime.config.ConnectorConfigDef;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import io.vertebra.runtime.plugins.PluginType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The JSON Schema of one connector's config: the keys every source or sink connector has
 * ({@link ConnectorConfigDef}) and the connector's own {@code config()}, with {@code connector.class} fixed to the
 * connector's class name or one of its aliases. Served by {@code GET /connector-plugins/{class}/schema} and checked
 * into {@code schemas/connectors/}.
 *
 * <p>Keys the connector does not declare stay allowed ({@code additionalProperties: true}): Kafka Connect hands the
 * whole config to the connector, and many (Debezium, JDBC drivers) read keys they do not declare. The prefixes the
 * worker itself reads ({@code transforms.*}, {@code consumer.override.*}, ...) are listed as pattern properties, so a
 * validator can tell an undeclared key from a typo.
 */
public final class ConnectorSchema {
    /** Key prefixes the worker reads for every connector, as regular expressions. */
    public static final List<String> WORKER_PREFIXES = List.of(
            "^transforms\\.[^.]+\\..+$",
            "^predicates\\.[^.]+\\..+$",
            "^(key|value|header)\\.converter\\..+$",
            "^(consumer|producer|admin)\\.override\\..+$",
            "^topic\\.creation\\..+$",
            "^errors\\..+$");

    private ConnectorSchema() {}

    /** The schema of {@code plugin}'s config (a source or sink connector). */
    public static ObjectNode of(PluginDesc plugin) {
        if (!plugin.type().isConnector()) {
            throw new IllegalArgumentException(
                    plugin.className() + " is a " + plugin.type().restName() + ", not a connector");
        }
        ConfigDef own = PluginRegistry.configDef(plugin);
        return of(plugin.className(), plugin.type(), plugin.version(), own);
    }

    /** The schema of a connector config from its parts; pure. */
    public static ObjectNode of(String className, PluginType type, String version, ConfigDef own) {
        ConfigDef base = type == PluginType.SINK ? ConnectorConfigDef.sink() : ConnectorConfigDef.source();
        ConfigDef merged = new ConfigDef(base);
        own.configKeys().values().forEach(key -> {
            if (!merged.configKeys().containsKey(key.name)) {
                merged.define(key);
            } else {
                merged.configKeys().put(key.name, key); // the connector's own definition is the one it applies
            }
        });
        ObjectNode schema = ConfigSchema.NODES.objectNode();
        schema.put("$schema", ConfigSchema.DRAFT);
        schema.put("title", simpleName(className) + " config");
        schema.put(
                "description",
                "Config of the " + type.restName() + " connector " + className
                        + (version == null ? "" : " (version " + version + ")")
                        + ". Generated from the connector's ConfigDef and the keys every " + type.restName()
                        + " connector has; values may be strings or YAML scalars and lists.");
        schema.setAll(ConfigSchema.object(merged, Set.of(ConnectorConfigDef.NAME)));
        ObjectNode connectorClass = (ObjectNode) schema.get("properties").get(ConnectorConfigDef.CONNECTOR_CLASS);
        connectorClass.remove("pattern");
        ArrayNode names = connectorClass.putArray("enum");
        aliases(className).forEach(names::add);
        requireConnectorClass(schema);
        addWorkerPrefixes(schema);
        schema.put("additionalProperties", true);
        return schema;
    }

    /**
     * The schema of a connector whose class is not known here: only the keys every connector has, and
     * {@code connector.class} as any class name.
     */
    public static ObjectNode common() {
        ObjectNode schema = ConfigSchema.NODES.objectNode();
        schema.put("$schema", ConfigSchema.DRAFT);
        schema.put("title", "Connector config");
        schema.put(
                "description",
                "The keys every Kafka Connect connector config has; the connector's own keys are not checked.");
        schema.setAll(ConfigSchema.object(ConnectorConfigDef.common(), Set.of(ConnectorConfigDef.NAME)));
        requireConnectorClass(schema);
        addWorkerPrefixes(schema);
        schema.put("additionalProperties", true);
        return schema;
    }

    /** The class name a schema fixes {@code connector.class} to (its first allowed value), or null. */
    public static String connectorClass(JsonNode schema) {
        JsonNode values = schema.path("properties")
                .path(ConnectorConfigDef.CONNECTOR_CLASS)
                .path("enum");
        return values.isArray() && !values.isEmpty() ? values.get(0).asText() : null;
    }

    /** Every name Kafka Connect resolves to this class: the class name, its simple name, the name less "Connector". */
    public static List<String> aliases(String className) {
        Set<String> names = new LinkedHashSet<>();
        names.add(className);
        String simple = simpleName(className);
        names.add(simple);
        if (simple.endsWith("Connector") && simple.length() > "Connector".length()) {
            names.add(simple.substring(0, simple.length() - "Connector".length()));
        }
        return new ArrayList<>(names);
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static void requireConnectorClass(ObjectNode schema) {
        ArrayNode required = schema.has("required") ? (ArrayNode) schema.get("required") : schema.putArray("required");
        Set<String> names = new java.util.TreeSet<>();
        for (Iterator<JsonNode> it = required.elements(); it.hasNext(); ) {
            names.add(it.next().asText());
        }
        names.add(ConnectorConfigDef.CONNECTOR_CLASS);
        required.removeAll();
        names.forEach(required::add);
    }

    private static void addWorkerPrefixes(ObjectNode schema) {
        ObjectNode patterns = schema.putObject("patternProperties");
        Map<String, JsonNode> sorted = new TreeMap<>();
        for (String prefix : WORKER_PREFIXES) {
            ObjectNode any = ConfigSchema.NODES.objectNode();
            ArrayNode t = any.putArray("type");
            t.add("string");
            t.add("number");
            t.add("boolean");
            t.add("array");
            sorted.put(prefix, any);
        }
        sorted.forEach(patterns::set);
    }
}
