package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.VertebraProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file of {@code config-examples/} applies as it is — {@code vertebra apply -f FILE}, no edits, no
 * placeholders only another command fills — against a running node with the bundled plugins (plus Apache Kafka's
 * connect-file, which one example uses). The CDC examples name database hosts that exist only where a user runs
 * them (Debezium checks the connection before storing a config): they are applied against a real PostgreSQL, with
 * their addresses edited, by {@code CdcPipelinesIT}. The quickstart pair, applied from the node's working directory,
 * then moves a line from its input file to its output file.
 */
class ConfigExamplesApplyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Examples whose database addresses must be edited first (see CdcPipelinesIT). */
    private static final Set<String> NEED_A_DATABASE =
            Set.of("cdc-postgres-to-jdbc.yaml", "cdc-postgres-to-parquet.yaml");

    /** The directories the examples read and write (see the README's table). */
    private static final List<String> EXAMPLE_DIRS =
            List.of("/data/incoming", "/data/archive", "/var/log/app", "/var/log/nginx");

    @TempDir
    Path dir;

    @Test
    void everyExampleAppliesAsItIs() throws Exception {
        Path root = ProjectLayout.root();
        Path extra = Files.createDirectories(dir.resolve("extra-plugins/kafka-connect-file"));
        Files.copy(KafkaDistribution.jar("connect-file"), extra.resolve("connect-file.jar"));
        Path config = dir.resolve("node.yaml");
        Path work = Files.createDirectories(dir.resolve("work"));
        // the examples' own directories, as the README tells a user to allow them; the quickstart pair's is the
        // default (data/quickstart/pipeline below the working directory), which a node config replaces
        Files.writeString(
                config,
                "worker.enabled: true\nplugin.path: " + root.resolve("plugins") + "," + extra.getParent() + "\n"
                        + "connector.allowed.dirs: [" + String.join(", ", EXAMPLE_DIRS) + ", "
                        + work.resolve("data/quickstart/pipeline") + "]\n");
        try (VertebraProcess node = VertebraProcess.start(
                work,
                dir.resolve("data"),
                Ports.free(),
                Ports.free(),
                "384m",
                List.of(),
                List.of("--config", config.toString()),
                Map.of())) {
            node.awaitReady();
            String url = "http://127.0.0.1:" + node.restPort();
            HttpClient http = HttpClient.newHttpClient();
            await("the Connect worker is ready")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> get(http, url + "/ready").statusCode() == 200);

            List<Path> examples;
            try (Stream<Path> files = Files.walk(root.resolve("config-examples"))) {
                examples = files.filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
                        .filter(f -> !NEED_A_DATABASE.contains(f.getFileName().toString()))
                        .sorted()
                        .toList();
            }
            assertTrue(examples.size() >= 6, "examples: " + examples);
            TreeSet<String> expected = new TreeSet<>();
            List<String> failures = new ArrayList<>();
            for (Path file : examples) {
                CliRun run = CliRun.run(work, url, node.bootstrap(), null, "apply", "-f", file.toString());
                if (run.exit() != 0) {
                    failures.add(root.relativize(file) + ": " + run);
                }
                names(file).forEach(expected::add);
            }
            assertEquals(List.of(), failures);
            TreeSet<String> deployed = new TreeSet<>();
            JSON.readTree(get(http, url + "/connectors").body()).forEach(n -> deployed.add(n.asText()));
            assertTrue(deployed.containsAll(expected), "deployed " + deployed + ", expected " + expected);

            // the quickstart pipeline, applied as it is, runs from the node's working directory
            Path input = Files.createDirectories(work.resolve("data/quickstart/pipeline"))
                    .resolve("app.log");
            Files.writeString(input, "{\"level\":\"INFO\",\"message\":\"applied as it is\"}\n");
            Path output = work.resolve("data/quickstart/pipeline/out/app-logs.jsonl");
            await("the quickstart pipeline copies the line")
                    .atMost(Duration.ofSeconds(120))
                    .until(() ->
                            Files.exists(output) && Files.readString(output).contains("applied as it is"));
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The connector names a file declares (its documents' {@code name}s). */
    private static List<String> names(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("name:")) {
                out.add(line.substring("name:".length()).trim());
            }
        }
        if (file.toString().endsWith(".json")) {
            JsonNode doc = JSON.readTree(file.toFile());
            out.add(doc.get("name").asText());
        }
        return out;
    }
}
