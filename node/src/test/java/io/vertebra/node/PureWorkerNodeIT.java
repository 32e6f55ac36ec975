package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.RealKafkaCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vertebra start --bootstrap-servers ... --plugin-path ... --group-id ...}: the packaged node as a pure
 * Connect worker against a real Apache Kafka 4.3 broker, running Apache Kafka's connect-file plugin over REST.
 */
class PureWorkerNodeIT {
    @TempDir
    Path dir;

    @Test
    void pureWorkerRunsAFilePipelineAgainstApacheKafka() throws Exception {
        try (RealKafkaCluster kafka = RealKafkaCluster.start(dir.resolve("kafka"), 1, "768m", Map.of())) {
            Path plugins = Files.createDirectories(dir.resolve("plugins/kafka-connect-file"));
            Files.copy(KafkaDistribution.jar("connect-file"), plugins.resolve("connect-file.jar"));
            Path jar = ProjectLayout.root().resolve("node/target/vertebra.jar");
            try (ChildProcess node = ChildProcess.start(
                    "node",
                    List.of(
                            ProjectLayout.javaBinary().toString(),
                            "-Xmx384m",
                            "-jar",
                            jar.toString(),
                            "start",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--plugin-path",
                            plugins.getParent().toString(),
                            "--group-id",
                            "node-it",
                            "--rest-port",
                            "0",
                            "--data-dir",
                            dir.resolve("data").toString()),
                    dir,
                    java.util.Map.of(),
                    dir.resolve("node.log"))) {
                String ready = node.awaitLineContaining("vertebra ready", Duration.ofSeconds(120));
                assertTrue(ready.contains("kafka=external " + kafka.bootstrapServers()), ready);
                String rest = ready.substring(ready.indexOf("rest=") + 5, ready.indexOf(" data.dir"))
                        .trim();
                HttpClient http = HttpClient.newHttpClient();
                String root = http.send(
                                HttpRequest.newBuilder(URI.create(rest + "/")).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                assertTrue(root.contains("\"version\":\"4.3.1\""), root);

                Path input = dir.resolve("in.txt");
                Path output = dir.resolve("out.txt");
                List<String> lines =
                        IntStream.range(0, 100).mapToObj(i -> "node line " + i).toList();
                Files.write(input, lines);
                for (String body : List.of(
                        "{\"name\":\"in\",\"config\":{\"connector.class\":\"FileStreamSource\",\"file\":\"" + input
                                + "\",\"topic\":\"node-lines\"}}",
                        "{\"name\":\"out\",\"config\":{\"connector.class\":\"FileStreamSink\",\"file\":\"" + output
                                + "\",\"topics\":\"node-lines\"}}")) {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(rest + "/connectors"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(201, r.statusCode(), r.body());
                }
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> Files.exists(output)
                                && Files.readAllLines(output).size() >= lines.size());
                assertEquals(lines, Files.readAllLines(output));
                assertEquals(0, node.terminate(Duration.ofSeconds(30)), "SIGTERM stops the node cleanly");
            }
        }
    }
}
