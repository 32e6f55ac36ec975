package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Every pipeline in {@code config-examples/} parses as a {@code POST /connectors} body and passes the same
 * validation a worker runs before storing a config, against the plugins the build installed in {@code plugins/}
 * (plus Apache Kafka's connect-file for the example that uses it).
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
                ConfigProviders providers = new ConfigProviders(Map.of())) {
            ConfigValidator validator = new ConfigValidator(plugins.registry(), providers);
            List<String> problems = new ArrayList<>();
            for (Path file : examples) {
                String text = Files.readString(file).replace("${quickstart.dir}", work.toString());
                String type = file.toString().endsWith(".json") ? "application/json" : "application/yaml";
                JsonNode body = BodyParser.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
                assertTrue(body.hasNonNull("name") && body.has("config"), file + " needs name and config");
                Map<String, String> config =
                        new java.util.LinkedHashMap<>(BodyParser.config(body.get("config"), file.toString(), false));
                config.putIfAbsent("name", body.get("name").asText());
                ConfigInfos infos = validator.validate(config);
                if (infos.errorCount() > 0) {
                    problems.add(root.relativize(file) + ": " + ConfigValidator.invalidMessage(infos));
                }
            }
            assertEquals(List.of(), problems);
        }
    }
}
