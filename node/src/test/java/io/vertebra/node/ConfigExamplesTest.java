package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.node.cli.FileValidator;
import io.vertebra.node.cli.LocatedYaml;
import io.vertebra.node.cli.SchemaCatalog;
import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.plugins.Plugins;
import io.vertebra.runtime.rest.BodyParser;
import io.vertebra.runtime.rest.entities.ConfigInfos;
import io.vertebra.runtime.service.ConfigValidator;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every pipeline in {@code config-examples/} parses as a {@code POST /connectors} body (a YAML file may hold several,
 * one per document) and passes the same validation a worker runs before storing a config, against the plugins the
 * build installed in {@code plugins/} (plus Apache Kafka's connect-file for the example that uses it).
 *
 * <p>Every file also passes {@code vertebra validate} against the JSON Schemas of {@code schemas/}.
 *
 * <p>Debezium's {@code validate()} also connects to the database it names; no database runs here, so that one
 * error (on {@code database.hostname}, after every key passed) is expected. The CDC examples are deployed against a
 * real PostgreSQL by {@code io.vertebra.node.cdc.CdcPipelinesIT}.
 */
class ConfigExamplesTest {
    @TempDir
    Path work;

    @Test
    void everyExampleIsAValidConnectorConfig() throws Exception {
        Path root = ProjectLayout.root();
        Path connectFile = Files.createDirectories(work.resolve("extra/kafka-connect-file"));
        Files.copy(io.vertebra.testkit.KafkaDistribution.jar("connect-file"), connectFile.resolve("connect-file.jar"));
        List<Path> examples;
        try (Stream<Path> files = Files.walk(root.resolve("config-examples"))) {
            examples = files.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
                    .sorted()
                    .toList();
        }
        assertFalse(examples.isEmpty());
        try (Plugins plugins =
                        Plugins.start(List.of(root.resolve("plugins"), work.resolve("extra")), work.resolve("x"), 0);
                ConfigProviders providers = new ConfigProviders(Map.of("env", examplesEnvironment()))) {
            ConfigValidator validator = new ConfigValidator(plugins.registry(), providers);
            List<String> problems = new ArrayList<>();
            for (Path file : examples) {
                String text = Files.readString(file);
                String type = file.toString().endsWith(".json") ? "application/json" : "application/yaml";
                for (String document : documents(text, type)) {
                    JsonNode body = BodyParser.parse(document.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
                    assertTrue(body.hasNonNull("name") && body.has("config"), file + " needs name and config");
                    Map<String, String> config = new java.util.LinkedHashMap<>(
                            BodyParser.config(body.get("config"), file.toString(), false));
                    config.putIfAbsent("name", body.get("name").asText());
                    ConfigInfos infos = validator.validate(config);
                    if (infos.errorCount() > 0 && !onlyTheDatabaseWasUnreachable(infos)) {
                        problems.add(root.relativize(file) + ": " + ConfigValidator.invalidMessage(infos));
                    }
                }
            }
            assertEquals(List.of(), problems);
        }
    }

    /**
     * The env provider as the examples' node config enables it (docs/security.md), over the variables they read: a
     * placeholder no enabled provider resolves is a validation error.
     */
    private static org.apache.kafka.common.config.provider.ConfigProvider examplesEnvironment() {
        var env = new org.apache.kafka.common.config.provider.EnvVarConfigProvider(
                Map.of("SHOP_DB_PASSWORD", "example", "MIRROR_DB_PASSWORD", "example"));
        env.configure(Map.of("allowlist.pattern", "SHOP_DB_PASSWORD|MIRROR_DB_PASSWORD"));
        return env;
    }

    /** Every example passes {@code vertebra validate}'s offline check against {@code schemas/}, without a warning. */
    @Test
    void everyExampleValidatesAgainstTheSchemas() throws Exception {
        FileValidator validator = new FileValidator(SchemaCatalog.bundled());
        List<String> findings = new ArrayList<>();
        List<Path> examples;
        try (Stream<Path> files = Files.walk(ProjectLayout.root().resolve("config-examples"))) {
            examples = files.filter(LocatedYaml::isConfigFile).sorted().toList();
        }
        for (Path file : examples) {
            FileValidator.Result result = validator.validate(file);
            assertFalse(result.documents().isEmpty(), file + " holds documents");
            result.findings().forEach(f -> findings.add(f.toString()));
        }
        assertEquals(List.of(), findings);
    }

    /** The documents of a YAML stream ({@code ---} lines between them); a JSON file is one document. */
    private static List<String> documents(String text, String type) {
        if (type.endsWith("json")) {
            return List.of(text);
        }
        return java.util.Arrays.stream(text.split("(?m)^---\\s*$"))
                .filter(d -> d.lines().anyMatch(l -> !l.isBlank() && !l.trim().startsWith("#")))
                .toList();
    }

    /** Debezium checked every key, then could not reach the database the example names (none runs here). */
    private static boolean onlyTheDatabaseWasUnreachable(ConfigInfos infos) {
        return infos.configs().stream()
                .filter(c -> !c.value().errors().isEmpty())
                .allMatch(c -> c.value().name().equals("database.hostname")
                        && c.value().errors().stream()
                                .allMatch(e -> e.startsWith("Error while validating connector config:")
                                        || e.startsWith("Connection validation timed out")));
    }
}
