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
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node running the bundled file source on a large file: the task's entry in {@code GET /connectors/{name}/status}
 * carries Vertebra's {@code progress} (bytes done, total and remaining of the file) next to Kafka Connect's fields, and
 * {@code /metrics} the same as {@code vertebra_connect_task_progress_remaining_bytes}; bytes remaining only fall, and
 * reach 0 once the whole file is read.
 */
class FileSourceProgressIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void bytesRemainingOfALargeFileFallToZeroInTheStatusAndTheMetrics() throws Exception {
        Path input = dir.resolve("large.log");
        try (BufferedWriter out = Files.newBufferedWriter(input)) {
            for (int i = 0; i < 300_000; i++) {
                out.write("line " + i + " of a file that takes the source task a while to read\n");
            }
        }
        long size = Files.size(input);
        Path config = dir.resolve("node.yaml");
        Files.writeString(
                config,
                "plugin.path: " + ProjectLayout.root().resolve("plugins") + "\noffset.flush.interval.ms: 1000\n"
                        + "connector.allowed.dirs: " + dir + "\n");
        try (NodeProcess node =
                NodeProcess.start(dir.resolve("data"), Ports.free(), Ports.free(), "--config", config.toString())) {
            node.awaitReady();
            int rest = node.restPort;
            Rest api = new Rest("http://127.0.0.1:" + rest);
            await("the Connect worker has started")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> api.status("/health") == 200);
            Rest.Answer created = api.put("/connectors/big-file/config", """
                    {"connector.class": "io.vertebra.connect.file.source.FileSourceConnector",
                     "file.paths": "%s", "topic": "big", "batch.size": "50"}""".formatted(input));
            assertEquals(201, created.status(), created.body());

            List<Long> remaining = new ArrayList<>();
            List<JsonNode> tasks = new ArrayList<>();
            await("the file source reports reading the whole file")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(25))
                    .until(() -> {
                        Rest.Answer r = api.get("/connectors/big-file/status");
                        assertEquals(200, r.status(), r.body());
                        JsonNode task = JSON.readTree(r.body()).at("/tasks/0");
                        JsonNode item = task.at("/progress/items/0");
                        if (item.isMissingNode()) {
                            return false;
                        }
                        tasks.add(task);
                        assertEquals(input.toString(), item.get("name").asText(), item.toString());
                        assertEquals("bytes", item.get("unit").asText());
                        assertEquals(size, item.get("total").asLong());
                        assertEquals(
                                size - item.get("done").asLong(),
                                item.get("remaining").asLong());
                        remaining.add(item.get("remaining").asLong());
                        return item.get("remaining").asLong() == 0;
                    });
            for (int i = 1; i < remaining.size(); i++) {
                assertTrue(remaining.get(i) <= remaining.get(i - 1), "bytes remaining never grow: " + remaining);
            }
            assertTrue(
                    remaining.stream().anyMatch(r -> r > 0), "seen while reading, not only at the end: " + remaining);
            JsonNode last = tasks.get(tasks.size() - 1);
            // Kafka Connect's fields of a task are all there, with the same names and types
            assertEquals(0, last.get("id").asInt());
            assertEquals("RUNNING", last.get("state").asText());
            assertTrue(last.get("worker_id").isTextual(), last.toString());

            String metrics = api.get("/metrics").body();
            String series = "vertebra_connect_task_progress_remaining_bytes{connector=\"big-file\",item=\"" + input
                    + "\",task=\"0\"} 0.0";
            assertTrue(metrics.contains(series), metrics);
            assertTrue(
                    metrics.contains("vertebra_connect_task_progress_done_bytes{connector=\"big-file\",item=\"" + input
                            + "\",task=\"0\"} " + (double) size),
                    metrics);
            Promtool.assertCleanScrape(metrics);

            assertEquals(204, api.delete("/connectors/big-file").status());
            await("the progress series go with the task")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !api.get("/metrics")
                            .body()
                            .contains("vertebra_connect_task_progress_remaining_bytes{connector=\"big-file\""));
            assertFalse(api.get("/metrics").body().contains("big-file\",item"));
        }
    }
}
