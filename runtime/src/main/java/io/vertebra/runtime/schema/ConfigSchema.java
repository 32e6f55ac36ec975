package io.vertebra.runtime.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * A JSON Schema (draft 2020-12) from a {@link ConfigDef}: one property per key with its type, default, description
 * and the constraints its validator states ({@code ValidString} and {@code ValidList} become enums, {@code Range}
 * becomes minimum/maximum, {@code NonEmptyString} minLength, {@code ListSize} maxItems); keys without a default are
 * required. The ConfigDef stays the one source: nothing here names a key.
 *
 * <p>Values are typed the way a config is written: JSON bodies of the Kafka Connect REST API hold strings
 * ({@code "tasks.max": "3"}), YAML files hold numbers and booleans ({@code tasks.max: 3}) and lists
 * ({@code [a, b]}), and the worker accepts all of them. So a number property is {@code ["integer", "string"]} with a
 * pattern for the string form, a list property {@code ["string", "array"]}, and so on. Validators this class does not
 * know are described in the key's description when they say what they accept.
 *
 * <p>Pure and deterministic (properties sorted by name): generated files compare byte for byte.
 */
public final class ConfigSchema {
    public static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public static final String INTEGER_PATTERN = "^\\s*[+-]?[0-9]+\\s*$";
    public static final String NUMBER_PATTERN = "^\\s*[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?\\s*$";
    public static final String BOOLEAN_PATTERN = "^\\s*([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\\s*$";
    public static final String CLASS_PATTERN = "^\\s*[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*\\s*$";
    public static final String NO_CONTROL_CHARS_PATTERN = "^[^\\u0000-\\u001F\\u007F]+$";

    private ConfigSchema() {}

    /**
     * An object schema with one property per key of {@code def}; {@code notRequired} names keys that have no default
     * but are supplied elsewhere (e.g. a connector's {@code name}, which comes from the document around the config).
     */
    public static ObjectNode object(ConfigDef def, Set<String> notRequired) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        List<String> required = new ArrayList<>();
        for (Map.Entry<String, ConfigKey> e : new TreeMap<>(def.configKeys()).entrySet()) {
            properties.set(e.getKey(), property(e.getValue()));
            if (!e.getValue().hasDefault() && !notRequired.contains(e.getKey())) {
                required.add(e.getKey());
            }
        }
        if (!required.isEmpty()) {
            ArrayNode r = schema.putArray("required");
            required.forEach(r::add);
        }
        return schema;
    }

    /** The schema of one key. */
    public static ObjectNode property(ConfigKey key) {
        ObjectNode p = NODES.objectNode();
        if (key.displayName != null && !key.displayName.isBlank() && !key.displayName.equals(key.name)) {
            p.put("title", key.displayName);
        }
        typeOf(key.type, p);
        List<String> unmapped = new ArrayList<>();
        constrain(key.name, key.validator, key.type, p, unmapped);
        String doc = key.documentation == null ? "" : key.documentation.trim();
        if (!unmapped.isEmpty()) {
            doc = (doc.isEmpty() ? "" : doc + (doc.endsWith(".") ? " " : ". ")) + "Valid values: "
                    + String.join("; ", unmapped) + ".";
        }
        if (!doc.isEmpty()) {
            p.put("description", doc);
        }
        if (key.hasDefault() && key.defaultValue != null && key.type != Type.PASSWORD) {
            p.set("default", defaultValue(key));
        }
        if (key.type == Type.PASSWORD) {
            p.put("writeOnly", true);
        }
        return p;
    }

    private static void typeOf(Type type, ObjectNode p) {
        switch (type) {
            case BOOLEAN -> {
                types(p, "boolean", "string");
                p.put("pattern", BOOLEAN_PATTERN);
            }
            case INT, SHORT, LONG -> {
                types(p, "integer", "string");
                p.put("pattern", INTEGER_PATTERN);
            }
            case DOUBLE -> {
                types(p, "number", "string");
                p.put("pattern", NUMBER_PATTERN);
            }
            case CLASS -> {
                p.put("type", "string");
                p.put("pattern", CLASS_PATTERN);
            }
            case LIST -> {
                types(p, "string", "array");
                types(p.putObject("items"), "string", "number", "boolean");
            }
            case PASSWORD -> types(p, "string", "number");
            default -> types(p, "string", "number", "boolean");
        }
    }

    private static void types(ObjectNode p, String... types) {
        ArrayNode t = p.putArray("type");
        for (String type : types) {
            t.add(type);
        }
    }

    /** Adds what {@code validator} states to {@code p}; what it cannot state goes to {@code unmapped}. */
    private static void constrain(
            String name, ConfigDef.Validator validator, Type type, ObjectNode p, List<String> unmapped) {
        if (validator == null) {
            return;
        }
        if (validator instanceof ConfigDef.CompositeValidator) {
            for (Object inner : (List<?>) field(validator, "validators")) {
                constrain(name, (ConfigDef.Validator) inner, type, p, unmapped);
            }
        } else if (validator instanceof ConfigDef.Range) {
            Number min = (Number) field(validator, "min");
            Number max = (Number) field(validator, "max");
            if (min != null) {
                p.set("minimum", number(min));
            }
            if (max != null) {
                p.set("maximum", number(max));
            }
        } else if (validator instanceof ConfigDef.ValidString) {
            List<?> values = (List<?>) field(validator, "validStrings");
            enumOf(p, values);
        } else if (validator instanceof ConfigDef.CaseInsensitiveValidString) {
            List<String> values = new ArrayList<>();
            ((Collection<?>) field(validator, "validStrings")).forEach(v -> values.add(String.valueOf(v)));
            anyCaseOf(p, values);
        } else if (validator instanceof ConfigDef.Recommender r
                && !recommended(name, r).isEmpty()) {
            // a validator that also recommends values names every value it accepts (compared in any case, to be safe)
            anyCaseOf(p, recommended(name, r));
        } else if (validator instanceof ConfigDef.ValidList list) {
            ConfigDef.ValidString inner = (ConfigDef.ValidString) field(list, "validString");
            List<?> values = (List<?>) field(inner, "validStrings");
            boolean emptyAllowed = (Boolean) field(list, "isEmptyAllowed");
            if (!values.isEmpty()) {
                enumOf((ObjectNode) p.get("items"), values);
                String one = "("
                        + String.join(
                                "|",
                                values.stream()
                                        .map(v -> escapeRegex(String.valueOf(v)))
                                        .toList()) + ")";
                p.put(
                        "pattern",
                        "^\\s*"
                                + (emptyAllowed
                                        ? "(" + one + "(\\s*,\\s*" + one + ")*)?"
                                        : one + "(\\s*,\\s*" + one + ")*")
                                + "\\s*$");
            }
            if (!emptyAllowed) {
                p.put("minItems", 1);
                p.put("minLength", 1);
            }
        } else if (validator instanceof ConfigDef.ListSize) {
            p.put("maxItems", (Integer) field(validator, "maxSize"));
        } else if (validator instanceof ConfigDef.NonEmptyStringWithoutControlChars) {
            p.put("minLength", 1);
            p.put("pattern", NO_CONTROL_CHARS_PATTERN);
        } else if (validator instanceof ConfigDef.NonEmptyString) {
            p.put("minLength", 1);
        } else if (!(validator instanceof ConfigDef.NonNullValidator)) {
            String said = describes(validator);
            if (said != null) {
                unmapped.add(said);
            }
        }
    }

    private static List<String> recommended(String name, ConfigDef.Recommender r) {
        try {
            List<String> values = new ArrayList<>();
            r.validValues(name, Map.of()).forEach(v -> values.add(String.valueOf(v)));
            return values;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static void anyCaseOf(ObjectNode p, List<String> values) {
        p.put(
                "pattern",
                "^\\s*("
                        + String.join(
                                "|", values.stream().map(ConfigSchema::anyCase).toList()) + ")\\s*$");
        ArrayNode examples = p.putArray("examples");
        values.forEach(examples::add);
    }

    private static void enumOf(ObjectNode p, List<?> values) {
        ArrayNode e = p.putArray("enum");
        values.forEach(v -> e.add(String.valueOf(v)));
    }

    /** {@code abc} as {@code [aA][bB][cC]}: JSON Schema patterns have no case-insensitive flag. */
    static String anyCase(String value) {
        StringBuilder sb = new StringBuilder();
        for (char c : value.toCharArray()) {
            char lower = Character.toLowerCase(c);
            char upper = Character.toUpperCase(c);
            sb.append(lower == upper ? escapeRegex(String.valueOf(c)) : "[" + lower + upper + "]");
        }
        return sb.toString();
    }

    static String escapeRegex(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /**
     * What a validator says it accepts, when it says it in its own {@code toString()} (Kafka prints that as "Valid
     * Values"); a validator without one would print an identity hash, which would make generated files differ
     * between runs.
     */
    private static String describes(ConfigDef.Validator validator) {
        try {
            if (validator.getClass().getMethod("toString").getDeclaringClass() == Object.class) {
                return null;
            }
            String s = validator.toString();
            return s == null || s.isBlank() ? null : s.trim();
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    private static JsonNode defaultValue(ConfigKey key) {
        Object v = key.defaultValue;
        return switch (key.type) {
            case BOOLEAN -> NODES.booleanNode((Boolean) v);
            case INT, SHORT, LONG, DOUBLE -> number((Number) v);
            default -> NODES.textNode(ConfigDef.convertToString(v, key.type));
        };
    }

    static JsonNode number(Number n) {
        if (n instanceof Double || n instanceof Float) {
            return NODES.numberNode(n.doubleValue());
        }
        return NODES.numberNode(n.longValue());
    }

    /** The validators keep what they accept in fields without accessors; ConfigDef comes from the host. */
    private static Object field(Object target, String name) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException e) {
                // try the superclass
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException(
                        "cannot read " + name + " of " + target.getClass().getName(), e);
            }
        }
        throw new IllegalStateException(target.getClass().getName() + " has no field " + name
                + "; the kafka-clients version changed its validators");
    }
}
