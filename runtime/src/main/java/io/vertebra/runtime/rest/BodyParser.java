package io.vertebra.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Turns a request body into a tree, from JSON or YAML ({@code application/yaml}, {@code text/yaml},
 * {@code application/x-yaml}; a body without a JSON content type that is not JSON is tried as YAML), and config
 * objects into {@code Map<String, String>}: numbers and booleans become strings (the Terraform provider and Strimzi
 * send numbers), lists of scalars are joined with commas, nested maps are flattened with dots. Every failure is a
 * 400 {@link RestException} naming the problem. Thread-safe.
 */
public final class BodyParser {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectMapper YAML;

    static {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(30);
        options.setCodePointLimit(8 * 1024 * 1024);
        YAML = new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build());
        JSON.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(30).build());
    }

    private BodyParser() {}

    public static JsonNode parse(byte[] body, String contentType) {
        if (body == null || body.length == 0) {
            throw RestException.badRequest("The request body is empty; send a JSON or YAML object");
        }
        String text = decodeUtf8(body);
        String type = contentType == null ? "" : contentType.toLowerCase();
        boolean yaml = type.contains("yaml");
        boolean json = type.contains("json");
        try {
            if (yaml) {
                return readYaml(text);
            }
            try {
                return JSON.readTree(text);
            } catch (JsonProcessingException e) {
                if (json) {
                    throw RestException.badRequest("Malformed JSON body: " + describe(e));
                }
                return readYaml(text);
            }
        } catch (RestException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw RestException.badRequest("Malformed " + (yaml ? "YAML" : "JSON or YAML") + " body: " + describe(e));
        } catch (IOException | RuntimeException e) {
            throw RestException.badRequest("Unreadable request body: " + e.getMessage());
        }
    }

    /**
     * Every document of a body: a JSON object, a JSON array of objects, or a YAML stream of documents ({@code ---}
     * between them; a document that is a list contributes its items). Empty YAML documents are skipped.
     */
    public static java.util.List<JsonNode> parseAll(byte[] body, String contentType) {
        if (body == null || body.length == 0) {
            throw RestException.badRequest("The request body is empty; send JSON or YAML documents");
        }
        String text = decodeUtf8(body);
        String type = contentType == null ? "" : contentType.toLowerCase();
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        try {
            if (!type.contains("yaml")) {
                try {
                    addAll(JSON.readTree(text), out);
                    return out;
                } catch (JsonProcessingException e) {
                    if (type.contains("json")) {
                        throw RestException.badRequest("Malformed JSON body: " + describe(e));
                    }
                }
            }
            try (com.fasterxml.jackson.databind.MappingIterator<JsonNode> docs =
                    YAML.readerFor(JsonNode.class).readValues(text)) {
                while (docs.hasNextValue()) {
                    addAll(docs.nextValue(), out);
                }
            }
        } catch (RestException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw RestException.badRequest("Malformed YAML body: " + describe(e));
        } catch (IOException | RuntimeException e) {
            Throwable cause = e.getCause() instanceof JsonProcessingException j ? j : e;
            throw RestException.badRequest("Unreadable request body: "
                    + (cause instanceof JsonProcessingException j ? describe(j) : cause.getMessage()));
        }
        if (out.isEmpty()) {
            throw RestException.badRequest("The request body holds no document");
        }
        return out;
    }

    private static void addAll(JsonNode node, java.util.List<JsonNode> out) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return;
        }
        if (node.isArray()) {
            node.forEach(out::add);
        } else {
            out.add(node);
        }
    }

    private static JsonNode readYaml(String text) throws IOException {
        JsonNode node = YAML.readTree(text);
        if (node == null || node.isMissingNode()) {
            throw RestException.badRequest("The request body holds no YAML document");
        }
        return node;
    }

    private static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (e.getLocation() != null) {
            msg += " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
        }
        return msg;
    }

    private static String decodeUtf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw RestException.badRequest("The request body is not valid UTF-8");
        }
    }

    /** The object, or a 400 naming what was found instead. */
    public static JsonNode object(JsonNode node, String what) {
        if (node == null || !node.isObject()) {
            throw RestException.badRequest(what + " must be an object, found "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        return node;
    }

    /** A config object as strings; {@code allowNull}: PATCH, where null removes a key. */
    public static Map<String, String> config(JsonNode node, String what, boolean allowNull) {
        object(node, what);
        Map<String, String> out = new LinkedHashMap<>();
        flatten("", node, out, what, allowNull);
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, String what, boolean allowNull) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (key.isBlank()) {
                throw RestException.badRequest(what + " has an empty key");
            }
            if (value.isObject()) {
                flatten(key + ".", value, out, what, allowNull);
            } else if (value.isArray()) {
                StringBuilder joined = new StringBuilder();
                for (JsonNode item : value) {
                    if (item.isContainerNode() || item.isNull()) {
                        throw RestException.badRequest("The value of '" + key + "' in " + what
                                + " must be a string, number, boolean or a list of those; found a list holding "
                                + item.getNodeType().toString().toLowerCase());
                    }
                    joined.append(joined.length() == 0 ? "" : ",").append(item.asText());
                }
                out.put(key, joined.toString());
            } else if (value.isNull()) {
                if (!allowNull) {
                    throw RestException.badRequest("The value of '" + key + "' in " + what
                            + " is null; give a string, number or boolean (or leave the key out)");
                }
                out.put(key, null);
            } else if (value.isBinary() || value.isPojo()) {
                throw RestException.badRequest("The value of '" + key + "' in " + what + " must be text");
            } else {
                out.put(key, value.asText());
            }
        }
    }
}
