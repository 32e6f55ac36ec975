package io.vertebra.connect.cdcpostgres.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline file of {@code config-examples/}: one or more YAML documents, each a plain {@code POST /connectors}
 * body ({@code name}, {@code config}). Config values are read the way Vertebra's REST API reads a YAML body: numbers
 * and booleans become strings, lists of scalars are joined with commas, nested maps are flattened with dots.
 */
public final class ExamplePipeline {
    private static final YAMLMapper YAML = new YAMLMapper();

    private ExamplePipeline() {}

    /** One connector of a pipeline file. */
    public record Connector(String name, Map<String, String> config) {
        /** The same connector with some keys replaced or added (where the test's servers are). */
        public Connector with(Map<String, String> overrides) {
            Map<String, String> merged = new LinkedHashMap<>(config);
            merged.putAll(overrides);
            return new Connector(name, merged);
        }
    }

    public static Path file(String name) {
        return ProjectLayout.root().resolve("config-examples").resolve(name);
    }

    /** Every document of the file, in order. */
    public static List<Connector> read(Path file) {
        List<Connector> connectors = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isMissingNode() || doc.isEmpty()) {
                    continue; // the empty document before a leading "---"
                }
                if (!doc.hasNonNull("name") || !doc.path("config").isObject()) {
                    throw new IllegalArgumentException(file + ": every document needs a name and a config map: " + doc);
                }
                Map<String, String> config = new LinkedHashMap<>();
                flatten("", doc.get("config"), config);
                connectors.add(new Connector(doc.get("name").asText(), config));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return connectors;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, out);
            } else if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(v -> items.add(v.asText()));
                out.put(key, String.join(",", items));
            } else {
                out.put(key, value.asText());
            }
        }
    }
}
