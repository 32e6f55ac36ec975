package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertebra.node.Spelling;
import io.vertebra.node.cli.LocatedYaml.Document;
import io.vertebra.node.cli.LocatedYaml.Location;
import io.vertebra.runtime.apply.Documents;
import io.vertebra.runtime.schema.ConfigSchema;
import io.vertebra.runtime.schema.ConnectorSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks config files against the JSON Schemas, offline, and says where each problem is: file, line, column and key.
 *
 * <p>A document with {@code kind} or {@code config} is an apply document (a connector or topic, or a plain Kafka
 * Connect body): its shape is checked against the apply schema and its {@code config} against its connector's schema.
 * Any other document is a node config ({@code vertebra start --config}). Config maps are read the way the node reads
 * them: nested maps flattened with dots, numbers and booleans as written or as strings, lists joined with commas.
 * Values holding a config-provider placeholder ({@code ${env:X}}) are only known at run time and are not checked.
 */
public final class FileValidator {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG =
            SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER).build();

    /** One problem: an error fails validation, a warning does not. */
    public record Finding(Path file, int line, int column, String key, String message, boolean error) {
        @Override
        public String toString() {
            return file + ":" + line + ":" + column + ": " + (error ? "error" : "warning") + ": "
                    + (key.isEmpty() ? "" : key + ": ") + message;
        }
    }

    /** A file's documents (empty when it could not be parsed) and what was found in them. */
    public record Result(Path file, List<Document> documents, List<Finding> findings) {
        public boolean ok() {
            return findings.stream().noneMatch(Finding::error);
        }
    }

    private final SchemaCatalog catalog;
    private final Map<JsonNode, JsonSchema> compiled = new IdentityHashMap<>();

    public FileValidator(SchemaCatalog catalog) {
        this.catalog = catalog;
    }

    public Result validate(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return new Result(file, List.of(), List.of(new Finding(file, 1, 1, "", "cannot read: " + e, true)));
        }
        return validate(file, text);
    }

    /** Validates {@code text} as if it were {@code file}'s content (standard input: JSON when it starts with '{'). */
    public Result validate(Path file, String text) {
        List<Document> docs;
        boolean json = file.getFileName().toString().toLowerCase().endsWith(".json")
                || (ConfigFiles.STDIN_NAME.equals(file) && text.stripLeading().startsWith("{"));
        try {
            docs = LocatedYaml.parse(file, text, json);
        } catch (LocatedYaml.ParseException e) {
            Location l = e.location();
            return new Result(
                    file, List.of(), List.of(new Finding(file, l.line(), l.column(), "", e.getMessage(), true)));
        }
        List<Finding> findings = new ArrayList<>();
        if (docs.isEmpty()) {
            findings.add(new Finding(file, 1, 1, "", "holds no document", true));
        }
        for (Document doc : docs) {
            findings.addAll(validate(doc));
        }
        findings.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
        return new Result(file, docs, findings);
    }

    /** The findings of one document. */
    public List<Finding> validate(Document doc) {
        List<Finding> out = new ArrayList<>();
        JsonNode root = doc.root();
        if (!root.isObject()) {
            out.add(finding(doc, "", "", "a document must be a map of keys, found a " + kind(root), true));
            return out;
        }
        if (root.has(Documents.KIND) || root.has(Documents.CONFIG)) {
            for (ValidationMessage m : schema(catalog.apply()).validate(root)) {
                out.add(located(doc, "", m, "", catalog.apply()));
            }
            JsonNode config = root.get(Documents.CONFIG);
            if (config != null
                    && config.isObject()
                    && !Documents.TOPIC.equals(root.path(Documents.KIND).asText())) {
                validateConfig(doc, config, out);
            }
        } else {
            checkFlat(doc, "", root, catalog.node(), "the node config", false, out);
        }
        return out;
    }

    private void validateConfig(Document doc, JsonNode config, List<Finding> out) {
        String cls = config.path("connector.class").asText("");
        if (cls.isBlank()) {
            return; // the apply schema reported it
        }
        JsonNode schema = catalog.connector(cls).orElse(null);
        if (schema == null) {
            out.add(finding(
                    doc,
                    "/config/connector.class",
                    "config.connector.class",
                    "no schema for " + cls + " (not a bundled connector): only the keys every connector has were"
                            + " checked; add its schema with --schemas DIR (GET /connector-plugins/" + cls
                            + "/schema)",
                    false));
            schema = ConnectorSchema.common();
        }
        checkFlat(doc, "/config", config, schema, ConnectorSchema.connectorClass(schema), true, out);
    }

    /**
     * Flattens {@code map} (nested maps to dotted keys, each remembering its pointer), brings values to the types the
     * schema names, validates, and reports errors at the keys' lines; undeclared keys are warnings when
     * {@code warnUndeclared}.
     */
    private void checkFlat(
            Document doc,
            String pointer,
            JsonNode map,
            JsonNode schema,
            String owner,
            boolean warnUndeclared,
            List<Finding> out) {
        ObjectNode flat = NODES.objectNode();
        Map<String, String> pointers = new LinkedHashMap<>();
        flatten("", pointer, map, flat, pointers);
        String label = pointer.isEmpty() ? "" : pointer.substring(1) + ".";
        Set<String> deferred = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = flat.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode property = propertySchema(schema, e.getKey());
            if (e.getValue().isTextual() && e.getValue().asText().contains("${")) {
                deferred.add(e.getKey());
                it.remove();
            } else if (property != null) {
                e.setValue(coerce(e.getValue(), property));
            } else if (warnUndeclared && owner != null) {
                out.add(finding(
                        doc,
                        pointers.get(e.getKey()),
                        label + e.getKey(),
                        "not a key of " + owner + suggestion(schema, e.getKey()) + " (the connector may ignore it)",
                        false));
            }
        }
        for (ValidationMessage m : schema(schema).validate(flat)) {
            if (m.getProperty() != null && deferred.contains(m.getProperty())) {
                continue; // required, and given as a placeholder
            }
            if (warnUndeclared && "additionalProperties".equals(m.getType())) {
                continue; // reported above as a warning: the worker passes undeclared keys on
            }
            String key = m.getInstanceLocation().getNameCount() > 0
                    ? String.valueOf(m.getInstanceLocation().getElement(0))
                    : m.getProperty();
            String at = key != null && pointers.containsKey(key) ? pointers.get(key) : pointer;
            out.add(located(doc, at, m, label, schema));
        }
    }

    private static void flatten(
            String prefix, String pointer, JsonNode node, ObjectNode flat, Map<String, String> pointers) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            String p = pointer + "/" + LocatedYaml.escape(e.getKey());
            if (e.getValue().isObject()) {
                flatten(key + ".", p, e.getValue(), flat, pointers);
            } else {
                flat.set(key, e.getValue());
                pointers.put(key, p);
            }
        }
    }

    /** The schema of a key: its property, or the first pattern property matching it; null when undeclared. */
    static JsonNode propertySchema(JsonNode schema, String key) {
        JsonNode p = schema.path("properties").get(key);
        if (p != null) {
            return p;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        schema.path("patternProperties").fields();
                it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (Pattern.compile(e.getKey()).matcher(key).find()) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * The value as the schema types it, the way the worker reads it: "3" for an integer key is 3 (so minimum and
     * maximum apply), "true" a boolean, a list for a key that is not a list is joined with commas.
     */
    static JsonNode coerce(JsonNode value, JsonNode property) {
        Set<String> types = new HashSet<>();
        JsonNode t = property.path("type");
        if (t.isArray()) {
            t.forEach(x -> types.add(x.asText()));
        } else if (t.isTextual()) {
            types.add(t.asText());
        }
        if (value.isTextual()) {
            String s = value.asText().trim();
            if (types.contains("integer") && s.matches("[+-]?[0-9]+")) {
                return NODES.numberNode(new BigInteger(s.startsWith("+") ? s.substring(1) : s));
            }
            if (types.contains("number") && s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                return NODES.numberNode(new BigDecimal(s.startsWith("+") ? s.substring(1) : s));
            }
            if (types.contains("boolean") && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                return NODES.booleanNode(s.equalsIgnoreCase("true"));
            }
        } else if (value.isArray() && !types.isEmpty() && !types.contains("array")) {
            List<String> items = new ArrayList<>();
            value.forEach(i -> items.add(i.asText()));
            return NODES.textNode(String.join(",", items));
        } else if ((value.isNumber() || value.isBoolean()) && types.equals(Set.of("string"))) {
            return NODES.textNode(value.asText());
        }
        return value;
    }

    private Finding located(Document doc, String at, ValidationMessage m, String label, JsonNode schema) {
        List<String> path = new ArrayList<>();
        for (int i = 0; i < m.getInstanceLocation().getNameCount(); i++) {
            path.add(String.valueOf(m.getInstanceLocation().getElement(i)));
        }
        String pointer = at;
        if (at.isEmpty() && !path.isEmpty()) {
            pointer = "/"
                    + String.join("/", path.stream().map(LocatedYaml::escape).toList());
        }
        String key = label + String.join(".", path);
        if (m.getProperty() != null && ("required".equals(m.getType()) || "additionalProperties".equals(m.getType()))) {
            key = key.isEmpty() || key.endsWith(".") ? key + m.getProperty() : key + "." + m.getProperty();
            if ("additionalProperties".equals(m.getType()) && at.isEmpty()) {
                pointer = pointer + "/" + LocatedYaml.escape(m.getProperty());
            }
        }
        String property = path.isEmpty() ? null : path.get(path.size() - 1);
        String message = message(m, schema, property == null ? null : propertySchema(schema, property));
        JsonNode instance = m.getInstanceNode();
        if (instance != null && instance.isValueNode() && !"required".equals(m.getType())) {
            message += " (found " + instance + ")";
        }
        if (key.endsWith(".")) {
            key = key.substring(0, key.length() - 1);
        }
        return finding(doc, pointer, key, message, true);
    }

    /** The validator's message, in the words of a config file where they differ. */
    private static String message(ValidationMessage m, JsonNode schema, JsonNode property) {
        if ("additionalProperties".equals(m.getType())) {
            return "unknown key" + suggestion(schema, m.getProperty());
        }
        if ("pattern".equals(m.getType())
                && property != null
                && property.path("examples").isArray()) {
            List<String> values = new ArrayList<>();
            property.path("examples").forEach(v -> values.add(v.asText()));
            return "must be one of " + String.join(", ", values) + " (in any case)";
        }
        if ("pattern".equals(m.getType()) && m.getArguments() != null && m.getArguments().length > 0) {
            String said = PATTERNS.get(String.valueOf(m.getArguments()[0]));
            if (said != null) {
                return said;
            }
        }
        String message = m.getMessage();
        String location = m.getInstanceLocation().toString();
        if (message.startsWith(location + ": ")) {
            message = message.substring(location.length() + 2);
        } else if (message.startsWith(": ")) {
            message = message.substring(2);
        }
        return message;
    }

    private static final Map<String, String> PATTERNS = Map.of(
            ConfigSchema.INTEGER_PATTERN, "must be a whole number",
            ConfigSchema.NUMBER_PATTERN, "must be a number",
            ConfigSchema.BOOLEAN_PATTERN, "must be true or false",
            ConfigSchema.CLASS_PATTERN, "must be a Java class name",
            ConfigSchema.NO_CONTROL_CHARS_PATTERN, "must not be empty or hold control characters");

    private static Finding finding(Document doc, String pointer, String key, String message, boolean error) {
        Location l = doc.at(pointer == null ? "" : pointer);
        return new Finding(doc.file(), l.line(), l.column(), key, message, error);
    }

    private JsonSchema schema(JsonNode schema) {
        return compiled.computeIfAbsent(schema, s -> FACTORY.getSchema(s, CONFIG));
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().toString().toLowerCase();
    }

    /** "; did you mean 'x'?" for a declared key (of the schema or its definitions) at most two edits away. */
    private static String suggestion(JsonNode schema, String key) {
        List<String> declared = new ArrayList<>();
        schema.path("properties").fieldNames().forEachRemaining(declared::add);
        schema.path("$defs").forEach(d -> d.path("properties").fieldNames().forEachRemaining(declared::add));
        return Spelling.closest(key, declared)
                .map(best -> "; did you mean '" + best + "'?")
                .orElse("");
    }
}
