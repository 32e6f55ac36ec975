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
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The JSON Schema of one connector's config: the keys every source or sink connector has
 * ({@link ConnectorConfigDef}) and the connector's own {@code config()}, with {@code connector.class} fixed to the
 * connector's class name or one of its aliases. Served by {@code GET /connector-plugins/{class}/schema} and checked
 * into {@code schemas/connectors/}.
 *
 * <p>The schema is closed ({@code additionalProperties: false}), so that an editor or any JSON Schema validator
 * flags a misspelled key: the keys allowed are the connector's declared ones, the prefixes the worker itself reads
 * ({@code transforms.*}, {@code consumer.override.*}, ...) and the pass-through prefixes of connectors known to read
 * keys they do not declare ({@link #PASS_THROUGH_PREFIXES}, e.g. Debezium's {@code driver.*}), all as pattern
 * properties. A connector that reads other undeclared keys gets editor errors for them; the worker still passes
 * them on, as Kafka Connect does, and {@code vertebra validate} reports them as warnings.
 */
public final class ConnectorSchema {
    /**
     * Keys the worker reads for every connector beyond {@link ConnectorConfigDef}'s, as regular expressions. Client
     * overrides and topic creation settings are spelled out (the client's and the topic's config names), so a
     * typo there is caught too; the keys of transforms, predicates and converters stay open, since the class
     * that reads them is chosen by a value ({@code transforms.x.type}).
     */
    public static final List<String> WORKER_PREFIXES = List.of(
            "^transforms\\.[^.]+\\..+$",
            "^predicates\\.[^.]+\\..+$",
            "^(key|value|header)\\.converter\\..+$",
            "^consumer\\.override\\." + oneOf(ConsumerConfig.configNames()) + "$",
            "^producer\\.override\\." + oneOf(ProducerConfig.configNames()) + "$",
            "^admin\\.override\\." + oneOf(AdminClientConfig.configNames()) + "$",
            "^topic\\.creation\\.[^.]+\\." + oneOf(topicCreationKeys()) + "$");

    /** Prefixes whose keys a schema cannot check (their reader is chosen by a value). */
    public static final List<String> OPEN_PREFIXES =
            List.of("transforms.", "predicates.", "key.converter.", "value.converter.", "header.converter.");

    /**
     * Undeclared keys that connectors read, by the package of the connector class: Debezium's driver
     * pass-through, column masks and truncations, per-table snapshot statements, signal and schema-history
     * consumers/producers and its internal options.
     */
    public static final Map<String, List<String>> PASS_THROUGH_PREFIXES = Map.of(
            "io.debezium.",
            List.of(
                    "^driver\\..+$",
                    "^column\\.(mask|truncate)\\..+$",
                    "^snapshot\\.select\\.statement\\.overrides\\..+$",
                    "^signal\\.(consumer|kafka)\\..+$",
                    "^schema\\.history\\.internal\\.(consumer|producer)\\..+$",
                    "^internal\\..+$"));

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
        List<String> patterns = new ArrayList<>(WORKER_PREFIXES);
        PASS_THROUGH_PREFIXES.forEach((pkg, prefixes) -> {
            if (className.startsWith(pkg)) {
                patterns.addAll(prefixes);
            }
        });
        addPatterns(schema, patterns);
        schema.put("additionalProperties", false);
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
        addPatterns(schema, WORKER_PREFIXES);
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

    /** A regular expression group matching exactly one of {@code names}. */
    private static String oneOf(Set<String> names) {
        List<String> quoted = new ArrayList<>();
        new java.util.TreeSet<>(names).forEach(n -> quoted.add(n.replace(".", "\\.")));
        return "(" + String.join("|", quoted) + ")";
    }

    /** What a topic creation group may set: include/exclude, partitions, replication.factor and any topic config. */
    private static Set<String> topicCreationKeys() {
        Set<String> keys = new LinkedHashSet<>(List.of("include", "exclude", "partitions", "replication.factor"));
        for (java.lang.reflect.Field f : TopicConfig.class.getFields()) {
            if (f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
                try {
                    keys.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
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

    private static void addPatterns(ObjectNode schema, List<String> prefixes) {
        ObjectNode patterns = schema.putObject("patternProperties");
        Map<String, JsonNode> sorted = new TreeMap<>();
        for (String prefix : prefixes) {
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
