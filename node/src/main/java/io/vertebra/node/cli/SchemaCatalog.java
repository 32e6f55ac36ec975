package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.runtime.schema.ApplySchema;
import io.vertebra.runtime.schema.ConnectorSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The JSON Schemas {@code vertebra validate} checks against: those of {@code schemas/}, which the build puts into the
 * node's jar (apply documents, the node config, every bundled connector), plus connector schemas from extra
 * directories (e.g. {@code curl .../connector-plugins/X/schema > x.schema.json} for a plugin added by hand).
 */
public final class SchemaCatalog {
    public static final String APPLY = "apply.schema.json";
    public static final String NODE = "node.schema.json";
    public static final String CONNECTORS = ApplySchema.CONNECTORS_DIR;

    private final JsonNode apply;
    private final JsonNode node;
    private final Map<String, JsonNode> connectors; // by class name and alias

    private SchemaCatalog(JsonNode apply, JsonNode node, Map<String, JsonNode> connectors) {
        this.apply = apply;
        this.node = node;
        this.connectors = connectors;
    }

    /** The schemas in the jar (or, in tests, on the class path). */
    public static SchemaCatalog bundled() {
        URL resource = SchemaCatalog.class.getClassLoader().getResource("schemas/" + APPLY);
        if (resource == null) {
            throw new CliException("this vertebra build holds no schemas/ (rebuild with ./mvnw package)");
        }
        try {
            URI uri = resource.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                }
                return of(fs.provider().getPath(uri).getParent());
            }
            return of(Path.of(uri).getParent());
        } catch (URISyntaxException | IOException e) {
            throw new CliException("cannot read the bundled schemas: " + e.getMessage());
        }
    }

    /** The schemas of a directory laid out like {@code schemas/}. */
    public static SchemaCatalog of(Path dir) {
        Map<String, JsonNode> connectors = new HashMap<>();
        addConnectors(dir.resolve(CONNECTORS), connectors);
        return new SchemaCatalog(documentLevel(read(dir.resolve(APPLY))), read(dir.resolve(NODE)), connectors);
    }

    /** This catalog plus the connector schemas ({@code *.json}) in {@code dir}; theirs win. */
    public SchemaCatalog with(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CliException("--schemas " + dir + " is not a directory");
        }
        Map<String, JsonNode> more = new HashMap<>(connectors);
        addConnectors(dir, more);
        return new SchemaCatalog(apply, node, more);
    }

    private static void addConnectors(Path dir, Map<String, JsonNode> out) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f :
                    files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode schema = read(f);
                String cls = ConnectorSchema.connectorClass(schema);
                if (cls != null) {
                    ConnectorSchema.aliases(cls).forEach(alias -> out.put(alias, schema));
                    schema.path("properties")
                            .path("connector.class")
                            .path("enum")
                            .forEach(a -> out.put(a.asText(), schema));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The apply schema less its per-class branches ({@code config.allOf} with relative {@code $ref}s, for
     * editors): the validator checks a config against its connector's schema itself, after flattening nested
     * maps and typing YAML values as the worker reads them.
     */
    private static JsonNode documentLevel(JsonNode apply) {
        JsonNode copy = apply.deepCopy();
        JsonNode config =
                copy.path("$defs").path("connector").path("properties").path("config");
        if (config instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            o.remove("allOf");
        }
        return copy;
    }

    private static JsonNode read(Path file) {
        try {
            return RestClient.JSON.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new CliException("cannot read schema " + file + ": " + e.getMessage());
        }
    }

    public JsonNode apply() {
        return apply;
    }

    public JsonNode node() {
        return node;
    }

    /** The schema of the connector {@code connector.class} names (class name or alias). */
    public Optional<JsonNode> connector(String connectorClass) {
        return Optional.ofNullable(connectors.get(connectorClass.trim()));
    }

    public List<String> connectorClasses() {
        return connectors.values().stream()
                .map(ConnectorSchema::connectorClass)
                .distinct()
                .sorted()
                .toList();
    }
}
