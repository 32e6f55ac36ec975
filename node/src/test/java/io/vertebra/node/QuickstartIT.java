package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.RealKafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vertebra quickstart} end to end with the bundled file connectors from {@code plugins/}: the generated log
 * is tailed into a topic, tagged by a transform, and written out as JSON lines. Runs against a real Apache Kafka
 * broker ({@code --bootstrap-servers}) so it does not depend on the embedded log's group coordinator.
 */
class QuickstartIT {
    @TempDir
    Path dir;

    @Test
    void quickstartOnTheEmbeddedLog() throws Exception {
        Path root = ProjectLayout.root();
        Path data = dir.resolve("embedded");
        try (ChildProcess node = ChildProcess.start(
                "quickstart-embedded",
                List.of(
                        ProjectLayout.javaBinary().toString(),
                        "-Xmx512m",
                        "-Dvertebra.home=" + root,
                        "-jar",
                        root.resolve("node/target/vertebra.jar").toString(),
                        "quickstart",
                        "--rest-port",
                        "0",
                        "--kafka-port",
                        "0",
                        "--data-dir",
                        data.toString(),
                        "--lines-per-second",
                        "50"),
                dir,
                Map.of(),
                dir.resolve("quickstart-embedded.log"))) {
            node.awaitLineContaining("Quickstart running.", Duration.ofSeconds(120));
            Path out = data.resolve("pipeline/out/app-logs.jsonl");
            await("records flow through the embedded log to the file sink")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> Files.exists(out) && Files.readAllLines(out).size() >= 20);
            JsonNode first = new ObjectMapper().readTree(Files.readAllLines(out).get(0));
            assertEquals("quickstart", first.get("pipeline").asText());
            assertEquals(0, node.terminate(Duration.ofSeconds(30)));
        }
    }

    @Test
    void quickstartDeploysThePipelineAndRecordsFlowToTheOutputFile() throws Exception {
        Path root = ProjectLayout.root();
        try (RealKafkaCluster kafka = RealKafkaCluster.start(dir.resolve("kafka"), 1, "768m", Map.of())) {
            Path data = dir.resolve("data");
            try (ChildProcess node = ChildProcess.start(
                    "quickstart",
                    List.of(
                            ProjectLayout.javaBinary().toString(),
                            "-Xmx384m",
                            "-Dvertebra.home=" + root,
                            "-jar",
                            root.resolve("node/target/vertebra.jar").toString(),
                            "quickstart",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--rest-port",
                            "0",
                            "--data-dir",
                            data.toString(),
                            "--lines-per-second",
                            "50"),
                    dir,
                    Map.of(),
                    dir.resolve("quickstart.log"))) {
                node.awaitLineContaining("Quickstart running.", Duration.ofSeconds(120));
                assertTrue(node.output().contains("app-log-source, app-log-sink"), node.output());
                Path out = data.resolve("pipeline/out/app-logs.jsonl");
                await("records reach the file sink")
                        .atMost(Duration.ofSeconds(60))
                        .until(() ->
                                Files.exists(out) && Files.readAllLines(out).size() >= 20);
                JsonNode first =
                        new ObjectMapper().readTree(Files.readAllLines(out).get(0));
                assertEquals("quickstart", first.get("pipeline").asText(), "the InsertField transform tagged it");
                assertEquals(0, first.get("seq").asInt(), "the source started at the beginning of the log");
                assertTrue(first.has("latency_ms") && first.has("level"), first.toString());
                assertEquals(0, node.terminate(Duration.ofSeconds(30)));
            }
        }
    }
}
