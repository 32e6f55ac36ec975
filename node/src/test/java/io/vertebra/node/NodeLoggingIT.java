package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.node.cdc.Rest;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.VertebraProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/logging.md promises: {@code VERTEBRA_LOG_FORMAT=json} makes every log line one JSON object, and
 * {@code PUT /admin/loggers/{name}} changes a logger's level in the running node (Kafka's client logs, WARN by
 * default, show their INFO lines once raised).
 */
class NodeLoggingIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The node's log lines that are JSON objects (its stdout also prints the plain "vertebra ready" line). */
    private static List<JsonNode> jsonLines(List<String> lines) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("{")) {
                out.add(JSON.readTree(line));
            } else {
                assertFalse(line.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"), "a text log line: " + line);
            }
        }
        return out;
    }

    @Test
    void jsonFormatAndLevelsChangedThroughAdminLoggers() throws Exception {
        Path config = dir.resolve("node.yaml");
        Files.writeString(
                config,
                "plugin.path: " + ProjectLayout.root().resolve("plugins") + "\nconnector.allowed.dirs: " + dir + "\n");
        Path input = Files.writeString(dir.resolve("in.log"), "one\ntwo\n");
        int rest = Ports.free();
        Rest api = new Rest("http://127.0.0.1:" + rest);
        try (VertebraProcess node = VertebraProcess.start(
                dir.resolve("data"),
                Ports.free(),
                rest,
                "384m",
                List.of(),
                List.of("--config", config.toString()),
                Map.of("VERTEBRA_LOG_FORMAT", "json"))) {
            node.awaitReady();
            await("the Connect worker has started")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> api.status("/health") == 200);
            List<JsonNode> startup = jsonLines(node.process().lines());
            assertTrue(
                    startup.stream()
                            .anyMatch(l -> l.get("level").asText().equals("INFO")
                                    && l.get("loggerName").asText().startsWith("io.vertebra.")
                                    && !l.get("message").asText().isEmpty()
                                    && l.get("timeMillis").asLong() > 0),
                    startup.toString());
            assertTrue(
                    startup.stream()
                            .noneMatch(l -> l.get("loggerName").asText().startsWith("org.apache.kafka")
                                    && l.get("level").asText().equals("INFO")),
                    "Kafka's client logs start at WARN");

            Rest.Answer raised = api.put("/admin/loggers/org.apache.kafka", "{\"level\": \"INFO\"}");
            assertEquals(200, raised.status(), raised.body());
            assertTrue(JSON.readTree(raised.body()).toString().contains("\"org.apache.kafka\""), raised.body());
            JsonNode level =
                    JSON.readTree(api.get("/admin/loggers/org.apache.kafka").body());
            assertEquals("INFO", level.get("level").asText(), level.toString());

            Rest.Answer created = api.put("/connectors/lines/config", """
                    {"connector.class": "io.vertebra.connect.file.source.FileSourceConnector",
                     "file.paths": "%s", "topic": "lines"}""".formatted(input));
            assertEquals(201, created.status(), created.body());
            await("the source task's producer logs its config at INFO, as JSON")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> jsonLines(node.process().lines()).stream()
                            .anyMatch(l -> l.get("loggerName").asText().startsWith("org.apache.kafka")
                                    && l.get("level").asText().equals("INFO")));
        }
    }
}
