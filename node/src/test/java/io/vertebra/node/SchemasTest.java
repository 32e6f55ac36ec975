package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.runtime.plugins.Plugins;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code schemas/} is what the ConfigDefs say today: one schema per connector the build installs in {@code plugins/}
 * (plus Apache Kafka's connect-file, which an example uses), the node config's and the apply documents'. Fails on
 * any stale, missing or extra file; {@code -Dvertebra.schemas.write=true} rewrites them instead:
 *
 * <pre>./mvnw -B verify -pl node -am -Dtest=SchemasTest -Dsurefire.failIfNoSpecifiedTests=false -DskipITs \
 *     -Dvertebra.schemas.write=true</pre>
 */
class SchemasTest {
    static final String WRITE = "vertebra.schemas.write";

    @TempDir
    Path work;

    @Test
    void checkedInSchemasAreCurrent() throws Exception {
        Path root = ProjectLayout.root();
        Path schemas = root.resolve("schemas");
        Path connectFile = Files.createDirectories(work.resolve("extra/kafka-connect-file"));
        Files.copy(KafkaDistribution.jar("connect-file"), connectFile.resolve("connect-file.jar"));
        Map<String, String> generated;
        try (Plugins plugins =
                Plugins.start(List.of(root.resolve("plugins"), work.resolve("extra")), work.resolve("x"), 0)) {
            generated = SchemaFiles.generate(plugins.registry());
        }
        assertTrue(
                generated.keySet().stream()
                                .filter(f -> f.startsWith("connectors/"))
                                .count()
                        >= 5,
                "a schema per bundled connector: " + generated.keySet());
        TreeSet<String> existing = new TreeSet<>();
        if (Files.isDirectory(schemas)) {
            try (Stream<Path> files = Files.walk(schemas)) {
                files.filter(f -> f.toString().endsWith(".json"))
                        .forEach(f ->
                                existing.add(schemas.relativize(f).toString().replace('\\', '/')));
            }
        }
        if (Boolean.getBoolean(WRITE)) {
            for (String stale : existing) {
                if (!generated.containsKey(stale)) {
                    Files.delete(schemas.resolve(stale));
                }
            }
            for (Map.Entry<String, String> e : generated.entrySet()) {
                Path file = schemas.resolve(e.getKey());
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue());
            }
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : generated.entrySet()) {
            Path file = schemas.resolve(e.getKey());
            if (!Files.exists(file)) {
                problems.add("missing: schemas/" + e.getKey());
            } else if (!Files.readString(file).equals(e.getValue())) {
                problems.add("stale: schemas/" + e.getKey());
            }
        }
        existing.stream()
                .filter(f -> !generated.containsKey(f))
                .forEach(f -> problems.add("no longer generated: schemas/" + f));
        assertEquals(
                List.of(),
                problems,
                "schemas/ differs from what the ConfigDefs say; regenerate with -D" + WRITE + "=true (see "
                        + "SchemasTest's javadoc) and commit the result");
    }
}
