package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertebra.runtime.schema.ConnectorSchema;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What an editor sees: every file of {@code config-examples/} names {@code schemas/apply.schema.json} (a
 * {@code yaml-language-server} line, a {@code $schema} key in JSON), and a plain JSON Schema validator (networknt, as
 * the YAML and JSON language servers of VS Code and IntelliJ would) loading that file from disk — its connector
 * schemas reached through relative {@code $ref}s, selected by {@code connector.class} — accepts every document as
 * written and rejects each one with any single config key misspelled.
 */
class EditorSchemasTest {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private final Path root = ProjectLayout.root();
    private final JsonSchema apply = FACTORY.getSchema(
            SchemaLocation.of(root.resolve("schemas/apply.schema.json").toUri().toString()));

    @Test
    void everyExampleNamesTheApplySchema() throws Exception {
        for (Path file : examples()) {
            String text = Files.readString(file);
            String expected =
                    root.relativize(root.resolve("schemas/apply.schema.json")).toString();
            String relative = file.getParent()
                    .relativize(root.resolve("schemas/apply.schema.json"))
                    .toString();
            if (file.toString().endsWith(".json")) {
                assertEquals(relative, JSON.readTree(text).path("$schema").asText(), file + " $schema");
            } else {
                assertTrue(
                        text.startsWith("# yaml-language-server: $schema=" + relative + "\n"),
                        file + " starts with a yaml-language-server line naming " + relative + " (" + expected + ")");
            }
        }
    }

    @Test
    void everyExampleIsValidAsWritten() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Path file : examples()) {
            for (JsonNode doc : documents(file)) {
                apply.validate(doc).forEach(m -> problems.add(root.relativize(file) + ": " + m.getMessage()));
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aMisspelledConfigKeyIsAnError() throws Exception {
        int checked = 0;
        List<String> missed = new ArrayList<>();
        for (Path file : examples()) {
            for (JsonNode doc : documents(file)) {
                ObjectNode config = (ObjectNode) doc.get("config");
                List<String> keys = new ArrayList<>();
                config.fieldNames().forEachRemaining(keys::add);
                for (String key : keys) {
                    if (key.equals("connector.class")
                            || ConnectorSchema.OPEN_PREFIXES.stream().anyMatch(key::startsWith)) {
                        continue; // the keys of transforms, predicates and converters depend on a class named by value
                    }
                    String typo = key.substring(0, key.length() - 1) + "x" + key.charAt(key.length() - 1);
                    ObjectNode broken = doc.deepCopy();
                    ObjectNode brokenConfig = (ObjectNode) broken.get("config");
                    brokenConfig.set(typo, brokenConfig.remove(key));
                    Set<ValidationMessage> messages = apply.validate(broken);
                    if (messages.stream().noneMatch(m -> m.getMessage().contains(typo))) {
                        missed.add(root.relativize(file) + ": " + typo + " -> " + messages);
                    }
                    checked++;
                }
            }
        }
        assertEquals(List.of(), missed, "typos a validator let through");
        assertTrue(checked > 50, "keys checked: " + checked);
    }

    private List<Path> examples() throws Exception {
        try (Stream<Path> files = Files.walk(root.resolve("config-examples"))) {
            List<Path> list = files.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
                    .sorted()
                    .toList();
            assertFalse(list.isEmpty());
            return list;
        }
    }

    private static List<JsonNode> documents(Path file) throws Exception {
        String text = Files.readString(file);
        if (file.toString().endsWith(".json")) {
            return List.of(JSON.readTree(text));
        }
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it =
                YAML.readerFor(JsonNode.class).readValues(new YAMLFactory().createParser(text))) {
            it.forEachRemaining(d -> {
                if (d != null && !d.isMissingNode() && !d.isNull()) {
                    docs.add(d);
                }
            });
        }
        return docs;
    }
}
