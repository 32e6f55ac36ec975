package io.vertebra.node.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML (every document of a stream) and JSON files into trees that remember where each key and value was: a
 * JSON pointer ({@code /config/tasks.max}) maps to its line and column, so a problem found in the tree can name the
 * line. Built on Jackson's streaming parsers, whose token locations are the source positions.
 */
public final class LocatedYaml {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();

    /** A 1-based line and column. */
    public record Location(int line, int column) {}

    /** One document of a file; {@code index} counts from 1. */
    public record Document(Path file, int index, JsonNode root, Map<String, Location> locations, Location start) {
        /** Where the node at {@code pointer} is, or its nearest enclosing node's location. */
        public Location at(String pointer) {
            for (String p = pointer; ; p = p.substring(0, p.lastIndexOf('/'))) {
                Location l = locations.get(p);
                if (l != null) {
                    return l;
                }
                if (p.isEmpty()) {
                    return start;
                }
            }
        }
    }

    /** A file that is not valid YAML or JSON; the message names the line. */
    public static final class ParseException extends IOException {
        private static final long serialVersionUID = 1L;
        final Location location;

        ParseException(String message, Location location) {
            super(message);
            this.location = location;
        }

        public Location location() {
            return location;
        }
    }

    private LocatedYaml() {}

    public static boolean isConfigFile(Path file) {
        return file.getFileName().toString().toLowerCase().matches(".*\\.(ya?ml|json)$");
    }

    public static List<Document> read(Path file) throws IOException {
        boolean json = file.getFileName().toString().toLowerCase().endsWith(".json");
        return parse(file, Files.readString(file), json);
    }

    public static List<Document> parse(Path file, String text, boolean json) throws ParseException {
        List<Document> docs = new ArrayList<>();
        try (JsonParser p = json ? JSON.createParser(text) : YAML.createParser(text)) {
            while (p.nextToken() != null) {
                Location start = location(p.currentTokenLocation());
                Map<String, Location> locations = new HashMap<>();
                JsonNode root = value(p, "", locations);
                if (root.isNull() && !json) {
                    continue; // an empty YAML document (comments only, or between two ---)
                }
                docs.add(new Document(file, docs.size() + 1, root, locations, start));
            }
        } catch (JsonProcessingException e) {
            Location at = e.getLocation() == null ? new Location(1, 1) : location(e.getLocation());
            throw new ParseException(
                    "not valid " + (json ? "JSON" : "YAML") + ": " + summary(e.getOriginalMessage()), at);
        } catch (IOException e) {
            throw new ParseException("cannot read: " + e.getMessage(), new Location(1, 1));
        }
        return docs;
    }

    /** A parser message without the lines that quote the source and point at it (the location says where). */
    private static String summary(String message) {
        List<String> kept = new ArrayList<>();
        for (String line : message.lines().toList()) {
            String t = line.trim();
            if (!t.isEmpty() && !line.startsWith(" ") && !t.startsWith("at [Source") && !t.startsWith("in 'reader'")) {
                kept.add(t);
            }
        }
        return kept.isEmpty() ? message.trim() : String.join("; ", kept);
    }

    private static JsonNode value(JsonParser p, String pointer, Map<String, Location> locations) throws IOException {
        JsonToken token = p.currentToken();
        locations.putIfAbsent(pointer, location(p.currentTokenLocation()));
        switch (token) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = pointer + "/" + escape(name);
                    locations.put(child, location(p.currentTokenLocation()));
                    p.nextToken();
                    o.set(name, value(p, child, locations));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(value(p, pointer + "/" + i++, locations));
                }
                return a;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> {
                return NODES.textNode(p.getText());
            }
        }
    }

    private static Location location(JsonLocation l) {
        return new Location(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /** A JSON pointer segment: {@code ~} as {@code ~0}, {@code /} as {@code ~1}. */
    public static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
