package io.vertebra.runtime.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.runtime.apply.Documents;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The JSON Schema of one apply document ({@code vertebra apply}, {@code POST /apply}): {@code kind: Connector},
 * {@code kind: Topic}, or a plain Kafka Connect body {@code {"name", "config"}}. A connector's {@code config} is
 * checked against its own connector's schema: the apply schema that {@link #of(Collection)} builds selects it by
 * {@code connector.class} ({@code if}/{@code then} per known class, a relative {@code $ref} to
 * {@code connectors/<class>.schema.json} beside it), so an editor that knows the apply schema checks every key.
 */
public final class ApplySchema {
    /** The directory of connector schemas, beside the apply schema (as in {@code schemas/}). */
    public static final String CONNECTORS_DIR = "connectors";

    private ApplySchema() {}

    /** The schema without connector schemas: {@code config} is checked only for {@code connector.class}. */
    public static ObjectNode of() {
        return of(List.of());
    }

    /**
     * The schema with the config of a connector of each class in {@code connectorClasses} (by any of its aliases)
     * tied to {@code connectors/<class>.schema.json}, relative to the apply schema's own location.
     */
    public static ObjectNode of(Collection<String> connectorClasses) {
        ObjectNode schema = ConfigSchema.NODES.objectNode();
        schema.put("$schema", ConfigSchema.DRAFT);
        schema.put("title", "Vertebra apply document");
        schema.put(
                "description",
                "One document of a desired state for vertebra apply or POST /apply: kind Connector (the default:"
                        + " a plain Kafka Connect body {name, config} is a connector too) or kind Topic.");
        schema.put("type", "object");
        schema.putObject("properties")
                .putObject(Documents.KIND)
                .put("description", "What the document declares; Connector when left out.")
                .putArray("enum")
                .add(Documents.CONNECTOR)
                .add(Documents.TOPIC);
        ObjectNode ifTopic = schema.putObject("if");
        ifTopic.putObject("properties").putObject(Documents.KIND).put("const", Documents.TOPIC);
        ifTopic.putArray("required").add(Documents.KIND);
        schema.putObject("then").put("$ref", "#/$defs/topic");
        schema.putObject("else").put("$ref", "#/$defs/connector");
        ObjectNode defs = schema.putObject("$defs");
        defs.set("connector", connector(connectorClasses));
        defs.set("topic", topic());
        return schema;
    }

    private static ObjectNode connector(Collection<String> connectorClasses) {
        ObjectNode c = ConfigSchema.NODES.objectNode();
        c.put("type", "object");
        c.put("description", "A connector: its name, config and the state it should be in.");
        ObjectNode p = c.putObject("properties");
        p.putObject(Documents.KIND).put("const", Documents.CONNECTOR);
        name(p, "The connector's name, unique in the Connect cluster.");
        ObjectNode config = p.putObject(Documents.CONFIG);
        config.put("type", "object");
        config.put(
                "description",
                "The connector config; values are strings, numbers, booleans or lists (joined with commas), nested"
                        + " maps are flattened with dots. connector.class decides which connector schema applies.");
        config.putArray("required").add("connector.class");
        if (!connectorClasses.isEmpty()) {
            ArrayNode byClass = config.putArray("allOf");
            for (String cls : new TreeSet<>(connectorClasses)) {
                ObjectNode branch = byClass.addObject();
                ObjectNode when = branch.putObject("if");
                ArrayNode aliases = when.putObject("properties")
                        .putObject("connector.class")
                        .putArray("enum");
                ConnectorSchema.aliases(cls).forEach(aliases::add);
                when.putArray("required").add("connector.class");
                branch.putObject("then").put("$ref", CONNECTORS_DIR + "/" + cls + ".schema.json");
            }
        }
        ObjectNode state = p.putObject(Documents.STATE);
        state.put("description", "The state the connector should be in (default running).");
        ArrayNode states = state.putArray("enum");
        for (String s : Documents.STATES) {
            states.add(s);
            states.add(s.toUpperCase());
        }
        ObjectNode initial = p.putObject(Documents.INITIAL_STATE);
        initial.put("description", "Kafka Connect's name for state in a POST /connectors body; the same as state.");
        initial.set("enum", states.deepCopy());
        ObjectNode offsets = p.putObject(Documents.OFFSETS);
        offsets.put("type", "array");
        offsets.put(
                "description",
                "Offsets to start from, as PATCH /connectors/{name}/offsets takes them: written when apply creates"
                        + " the connector, and when the connector's state is stopped and they differ.");
        ObjectNode entry = offsets.putObject("items");
        entry.put("type", "object");
        ObjectNode ep = entry.putObject("properties");
        ep.putObject("partition").put("type", "object");
        ArrayNode offsetType = ep.putObject("offset").putArray("type");
        offsetType.add("object");
        offsetType.add("null");
        entry.putArray("required").add("partition").add("offset");
        entry.put("additionalProperties", false);
        schemaReference(p);
        c.putArray("required").add(Documents.NAME).add(Documents.CONFIG);
        c.put("additionalProperties", false);
        return c;
    }

    private static ObjectNode topic() {
        ObjectNode t = ConfigSchema.NODES.objectNode();
        t.put("type", "object");
        t.put("description", "A topic: its name, partitions, replication factor and the configs set on it.");
        ObjectNode p = t.putObject("properties");
        p.putObject(Documents.KIND).put("const", Documents.TOPIC);
        ObjectNode name = name(p, "The topic's name.");
        name.put("maxLength", 249);
        name.put("pattern", "^[a-zA-Z0-9._-]+$");
        ObjectNode partitions = p.putObject(Documents.PARTITIONS);
        partitions.put("type", "integer");
        partitions.put("minimum", 1);
        partitions.put("description", "Partitions (default: the broker's num.partitions). Kafka can only add some.");
        ObjectNode rf = p.putObject(Documents.REPLICATION_FACTOR);
        rf.put("type", "integer");
        rf.put("minimum", 1);
        rf.put("description", "Replicas of each partition (default: the broker's default.replication.factor).");
        ObjectNode configs = p.putObject(Documents.CONFIGS);
        configs.put("type", "object");
        configs.put(
                "description",
                "Topic configs (cleanup.policy, retention.ms, ...); keys left out are at the broker's default.");
        ArrayNode valueTypes = configs.putObject("additionalProperties").putArray("type");
        valueTypes.add("string");
        valueTypes.add("number");
        valueTypes.add("boolean");
        schemaReference(p);
        t.putArray("required").add(Documents.KIND).add(Documents.NAME);
        t.put("additionalProperties", false);
        return t;
    }

    private static void schemaReference(ObjectNode properties) {
        ObjectNode ref = properties.putObject(Documents.SCHEMA);
        ref.put("type", "string");
        ref.put("description", "Where an editor finds this schema (e.g. ../schemas/apply.schema.json); ignored.");
    }

    private static ObjectNode name(ObjectNode properties, String description) {
        ObjectNode name = properties.putObject(Documents.NAME);
        name.put("type", "string");
        name.put("minLength", 1);
        name.put("description", description);
        return name;
    }
}
