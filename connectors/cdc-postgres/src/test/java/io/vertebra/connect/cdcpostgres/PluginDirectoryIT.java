package io.vertebra.connect.cdcpostgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the build installs into {@code plugins/vertebra-cdc-postgres} (checked after packaging, hence an IT): the
 * Debezium jars of the official plugin archive, at the same versions, with the same PostgreSQL driver; and nothing
 * the host provides (connect-api, kafka-clients, slf4j, a logging backend, Jackson), so the connector and the worker
 * share one copy of the Connect API types and of the Jackson types Debezium's converters pass to connect-json.
 */
class PluginDirectoryIT {
    private static final Path PLUGIN = ProjectLayout.root().resolve("plugins/vertebra-cdc-postgres");
    private static final Path OFFICIAL =
            ProjectLayout.root().resolve("connectors/cdc-postgres/target/official-plugin/debezium-connector-postgres");

    @Test
    void holdsTheDebeziumJarsOfTheOfficialArchive() throws IOException {
        Set<String> official = jarNames(OFFICIAL).stream()
                .filter(n -> n.startsWith("debezium-") || n.startsWith("postgresql-") || n.startsWith("protobuf-"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> ours = jarNames(PLUGIN);
        assertTrue(ours.containsAll(official), "missing from " + PLUGIN + ": " + difference(official, ours));
    }

    @Test
    void bundlesNothingTheHostProvides() throws IOException {
        List<String> hostClasses = new ArrayList<>();
        for (String jar : jarNames(PLUGIN)) {
            try (JarFile file = new JarFile(PLUGIN.resolve(jar).toFile())) {
                file.stream()
                        .map(e -> e.getName())
                        .filter(n -> n.endsWith(".class")
                                && (n.startsWith("org/apache/kafka/")
                                        || n.startsWith("org/slf4j/")
                                        || n.startsWith("com/fasterxml/jackson/")
                                        || n.startsWith("ch/qos/logback/")
                                        || n.startsWith("org/apache/logging/log4j/")
                                        || n.startsWith("org/apache/log4j/")))
                        .findFirst()
                        .ifPresent(n -> hostClasses.add(jar + " holds " + n));
            }
        }
        assertEquals(List.of(), hostClasses);
    }

    @Test
    void declaresTheConnectorInAServiceManifest() throws IOException {
        List<String> declared = new ArrayList<>();
        for (String jar : jarNames(PLUGIN)) {
            try (JarFile file = new JarFile(PLUGIN.resolve(jar).toFile())) {
                var entry = file.getJarEntry("META-INF/services/org.apache.kafka.connect.source.SourceConnector");
                if (entry != null) {
                    String text = new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                    text.lines()
                            .map(String::trim)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                            .forEach(declared::add);
                }
            }
        }
        assertEquals(List.of("io.debezium.connector.postgresql.PostgresConnector"), declared);
    }

    private static Set<String> jarNames(Path dir) throws IOException {
        assertTrue(Files.isDirectory(dir), dir + " is built by this module's package phase");
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".jar"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }
}
