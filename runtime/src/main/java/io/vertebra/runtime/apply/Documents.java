package io.vertebra.runtime.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.rest.BodyParser;
import io.vertebra.runtime.rest.RestException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns apply documents into a {@link DesiredState}. A document is {@code kind: Connector} (name, config, state,
 * offsets), {@code kind: Topic} (name, partitions, replicationFactor, configs), or a plain Kafka Connect body
 * ({@code {"name", "config"}}, optionally {@code initial_state}), which is a connector. Every problem of every
 * document is reported at once, each naming the document. Pure.
 */
public final class Documents {
    public static final String KIND = "kind";
    /** Where an editor finds the document's JSON Schema; allowed in every document, ignored. */
    public static final String SCHEMA = "$schema";

    public static final String CONNECTOR = "Connector";
    public static final String TOPIC = "Topic";
    public static final String NAME = "name";
    public static final String CONFIG = "config";
    public static final String STATE = "state";
    public static final String INITIAL_STATE = "initial_state";
    public static final String OFFSETS = "offsets";
    public static final String PARTITIONS = "partitions";
    public static final String REPLICATION_FACTOR = "replicationFactor";
    public static final String CONFIGS = "configs";
    public static final List<String> STATES = List.of("running", "paused", "stopped");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Documents() {}

    /** The desired state the documents declare; a 400 listing every problem when any document is wrong. */
    public static DesiredState parse(List<JsonNode> documents) {
        List<String> problems = new ArrayList<>();
        List<ConnectorSpec> connectors = new ArrayList<>();
        List<TopicSpec> topics = new ArrayList<>();
        Set<String> connectorNames = new HashSet<>();
        Set<String> topicNames = new HashSet<>();
        for (int i = 0; i < documents.size(); i++) {
            JsonNode doc = documents.get(i);
            String where = "document " + (i + 1);
            if (doc == null || !doc.isObject()) {
                problems.add(where + ": must be an object, found "
                        + (doc == null
                                ? "nothing"
                                : doc.getNodeType().toString().toLowerCase(Locale.ROOT)));
                continue;
            }
            JsonNode name = doc.get(NAME);
            if (name != null && name.isTextual() && !name.asText().isBlank()) {
                where += " (" + name.asText() + ")";
            }
            String kind = doc.hasNonNull(KIND) ? doc.get(KIND).asText() : CONNECTOR;
            int before = problems.size();
            if (kind.equals(CONNECTOR)) {
                ConnectorSpec spec = connector(doc, where, problems);
                if (spec != null && problems.size() == before && !connectorNames.add(spec.name())) {
                    problems.add(where + ": connector '" + spec.name() + "' is declared twice");
                } else if (spec != null && problems.size() == before) {
                    connectors.add(spec);
                }
            } else if (kind.equals(TOPIC)) {
                TopicSpec spec = topic(doc, where, problems);
                if (spec != null && problems.size() == before && !topicNames.add(spec.name())) {
                    problems.add(where + ": topic '" + spec.name() + "' is declared twice");
                } else if (spec != null && problems.size() == before) {
                    topics.add(spec);
                }
            } else {
                problems.add(where + ": unknown kind '" + kind + "'; use " + CONNECTOR + " or " + TOPIC);
            }
        }
        if (!problems.isEmpty()) {
            throw RestException.badRequest(
                    "The documents have " + problems.size() + " problem(s):\n" + String.join("\n", problems));
        }
        return new DesiredState(connectors, topics);
    }

    private static ConnectorSpec connector(JsonNode doc, String where, List<String> problems) {
        unknownFields(doc, where, problems, KIND, NAME, CONFIG, STATE, INITIAL_STATE, OFFSETS);
        String name = name(doc, where, problems);
        JsonNode configNode = doc.get(CONFIG);
        Map<String, String> config = null;
        if (configNode == null || !configNode.isObject()) {
            problems.add(where + ": needs a 'config' object (the connector config)");
        } else {
            try {
                config = new LinkedHashMap<>(BodyParser.config(configNode, "'config'", false));
            } catch (RestException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
        if (config != null && name != null) {
            String inConfig = config.get(NAME);
            if (inConfig != null && !inConfig.equals(name)) {
                problems.add(where + ": config.name '" + inConfig + "' differs from the connector's name '" + name
                        + "'; leave config.name out");
            }
            config.put(NAME, name);
            if (!config.containsKey("connector.class")) {
                problems.add(where + ": the config needs 'connector.class'");
            }
        }
        TargetState state = TargetState.STARTED;
        if (doc.hasNonNull(STATE) && doc.hasNonNull(INITIAL_STATE)) {
            problems.add(where + ": give 'state' or 'initial_state', not both");
        }
        JsonNode stateNode = doc.hasNonNull(STATE) ? doc.get(STATE) : doc.get(INITIAL_STATE);
        if (stateNode != null && !stateNode.isNull()) {
            state = state(stateNode.asText());
            if (state == null) {
                problems.add(where + ": state '" + stateNode.asText() + "' is not one of " + STATES);
            }
        }
        List<Map<String, Object>> offsets = null;
        JsonNode offsetsNode = doc.get(OFFSETS);
        if (offsetsNode != null && !offsetsNode.isNull()) {
            offsets = offsets(offsetsNode, where, problems);
        }
        if (name == null || config == null || state == null) {
            return null;
        }
        return new ConnectorSpec(name, config, state, offsets);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> offsets(JsonNode node, String where, List<String> problems) {
        if (!node.isArray()) {
            problems.add(where + ": 'offsets' must be a list of {partition: {...}, offset: {...}}");
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (JsonNode entry : node) {
            if (!entry.isObject() || !entry.path("partition").isObject()) {
                problems.add(where + ": every entry of 'offsets' needs a 'partition' object, found " + entry);
                continue;
            }
            JsonNode offset = entry.get("offset");
            if (offset == null || !(offset.isObject() || offset.isNull())) {
                problems.add(where + ": every entry of 'offsets' needs an 'offset' object (or null), found " + entry);
                continue;
            }
            out.add(JSON.convertValue(entry, Map.class));
        }
        return out;
    }

    private static TopicSpec topic(JsonNode doc, String where, List<String> problems) {
        unknownFields(doc, where, problems, KIND, NAME, PARTITIONS, REPLICATION_FACTOR, CONFIGS);
        String name = name(doc, where, problems);
        if (name != null && !name.matches("[a-zA-Z0-9._-]{1,249}")) {
            problems.add(where + ": topic name '" + name + "' may only hold letters, digits, '.', '_' and '-' (at"
                    + " most 249)");
        }
        Integer partitions = positive(doc, PARTITIONS, where, problems);
        Integer rf = positive(doc, REPLICATION_FACTOR, where, problems);
        if (rf != null && rf > Short.MAX_VALUE) {
            problems.add(where + ": replicationFactor " + rf + " is too large");
            rf = null;
        }
        Map<String, String> configs = Map.of();
        JsonNode configsNode = doc.get(CONFIGS);
        if (configsNode != null && !configsNode.isNull()) {
            try {
                configs = BodyParser.config(configsNode, "'configs'", false);
            } catch (RestException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
        return name == null ? null : new TopicSpec(name, partitions, rf == null ? null : rf.shortValue(), configs);
    }

    private static Integer positive(JsonNode doc, String field, String where, List<String> problems) {
        JsonNode node = doc.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if ((node.isIntegralNumber() && node.canConvertToInt())
                || (node.isTextual() && node.asText().matches("\\d+"))) {
            int value = node.asInt();
            if (value >= 1) {
                return value;
            }
        }
        problems.add(where + ": '" + field + "' must be a whole number of at least 1, found " + node);
        return null;
    }

    private static String name(JsonNode doc, String where, List<String> problems) {
        JsonNode name = doc.get(NAME);
        if (name == null
                || !name.isValueNode()
                || name.isNull()
                || name.asText().isBlank()) {
            problems.add(where + ": needs a 'name'");
            return null;
        }
        return name.asText().trim();
    }

    private static void unknownFields(JsonNode doc, String where, List<String> problems, String... known) {
        List<String> allowed = List.of(known);
        for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field) && !field.equals(SCHEMA)) {
                problems.add(
                        where + ": unknown field '" + field + "'; a " + (allowed.contains(CONFIG) ? CONNECTOR : TOPIC)
                                + " document has " + String.join(", ", allowed));
            }
        }
    }

    /** running/paused/stopped (any case; RUNNING is Kafka Connect's initial_state spelling), or null. */
    public static TargetState state(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "running" -> TargetState.STARTED;
            case "paused" -> TargetState.PAUSED;
            case "stopped" -> TargetState.STOPPED;
            default -> null;
        };
    }

    /** The document spelling of a target state. */
    public static String stateName(TargetState state) {
        return switch (state) {
            case STARTED -> "running";
            case PAUSED -> "paused";
            case STOPPED -> "stopped";
        };
    }
}
