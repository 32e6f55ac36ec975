package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.node.cdc.Rest;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.VertebraProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node with the default connector.allowed.dirs (the quickstart's data/quickstart/pipeline below its working
 * directory): a file source of /etc/passwd, a '..' escape and a link out of the allowed directory, and a file sink
 * outside, are refused at validation (the error on the key) and at creation (400 naming the key), and nothing is
 * created; a source and a sink inside the quickstart directory move a line.
 */
class ConnectorConfinementIT {
    @TempDir
    Path dir;

    @Test
    void filesOutsideTheAllowedDirectoriesAreRefusedAndTheQuickstartDirectoryWorks() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path pipeline = Files.createDirectories(work.resolve("data/quickstart/pipeline"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path secret = Files.writeString(outside.resolve("secret.log"), "secret line\n");
        Files.createSymbolicLink(pipeline.resolve("innocent.log"), secret);
        Path config = Files.writeString(
                dir.resolve("node.yaml"), "plugin.path: " + ProjectLayout.root().resolve("plugins") + "\n");
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
            Rest rest = new Rest("http://127.0.0.1:" + node.restPort());
            await("the Connect worker is ready")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> rest.status("/ready") == 200);

            for (String path : List.of(
                    "/etc/passwd",
                    "data/quickstart/pipeline/../../../../outside/secret.log",
                    "data/quickstart/pipeline/innocent.log")) {
                Map<String, String> source = source(path);
                Rest.Answer validated = rest.put(
                        "/connector-plugins/FileSourceConnector/config/validate", Rest.JSON.writeValueAsString(source));
                assertEquals(200, validated.status(), validated.body());
                String errors = errorsOf(validated.json(), "file.paths");
                assertTrue(errors.contains("outside the directories connectors may use"), path + ": " + errors);
                assertTrue(errors.contains(pipeline.toString()), "names the allowed directory: " + errors);
                Rest.Answer created = rest.put("/connectors/escape/config", Rest.JSON.writeValueAsString(source));
                assertEquals(400, created.status(), created.body());
                assertTrue(created.body().contains("file.paths"), created.body());
            }
            Rest.Answer sink = rest.put(
                    "/connectors/escape-sink/config",
                    Rest.JSON.writeValueAsString(
                            sink(outside.resolve("copy.jsonl").toString())));
            assertEquals(400, sink.status(), sink.body());
            assertTrue(sink.body().contains("file.path"), sink.body());
            assertEquals("[]", rest.get("/connectors").body().replace(" ", ""), "nothing was created");
            try (var files = Files.list(outside)) {
                assertEquals(List.of(secret), files.toList(), "nothing written outside");
            }

            // inside the quickstart directory, relative to the node's working directory, as the quickstart does
            Files.writeString(pipeline.resolve("in.log"), "allowed line\n");
            rest.putConnector("inside", source("data/quickstart/pipeline/in.log"));
            rest.putConnector("inside-sink", sink("data/quickstart/pipeline/out/confined.jsonl"));
            Path output = pipeline.resolve("out/confined.jsonl");
            await("the line moves from the allowed input to the allowed output")
                    .atMost(Duration.ofSeconds(120))
                    .until(() ->
                            Files.exists(output) && Files.readString(output).contains("allowed line"));
            assertFalse(Files.readString(output).contains("secret"), Files.readString(output));
        }
    }

    private static Map<String, String> source(String path) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.vertebra.connect.file.source.FileSourceConnector");
        c.put("topic", "confined");
        c.put("file.paths", path);
        c.put("topic.creation.default.partitions", "1");
        c.put("topic.creation.default.replication.factor", "1");
        return c;
    }

    private static Map<String, String> sink(String path) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.vertebra.connect.file.sink.FileSinkConnector");
        c.put("topics", "confined");
        c.put("file.path", path);
        return c;
    }

    /** The error messages validate reported for {@code key}, joined. */
    private static String errorsOf(JsonNode validated, String key) {
        for (JsonNode config : validated.path("configs")) {
            if (key.equals(config.at("/value/name").asText())) {
                return config.at("/value/errors").toString();
            }
        }
        throw new AssertionError("no " + key + " in " + validated);
    }
}
