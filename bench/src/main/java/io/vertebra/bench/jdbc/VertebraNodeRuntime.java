package io.vertebra.bench.jdbc;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Vertebra node in pure-worker mode ({@code vertebra start --bootstrap-servers ...}) in its own JVM, against the
 * same Kafka broker, plugin path and converters as the Kafka Connect worker. Available when the node is built
 * ({@code node/target/vertebra.jar}).
 */
final class VertebraNodeRuntime implements SinkRuntime {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ChildProcess process;
    private final String url;

    private VertebraNodeRuntime(ChildProcess process, String url) {
        this.process = process;
        this.url = url;
    }

    static Path jar() {
        return ProjectLayout.root().resolve("node/target/vertebra.jar");
    }

    static VertebraNodeRuntime start(Path dir, String bootstrapServers, Path pluginPath, String heap)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("node.properties");
        Files.writeString(
                config,
                String.join(
                        "\n",
                        "key.converter=org.apache.kafka.connect.json.JsonConverter",
                        "value.converter=org.apache.kafka.connect.json.JsonConverter",
                        "key.converter.schemas.enable=true",
                        "value.converter.schemas.enable=true",
                        "offset.flush.interval.ms=10000",
                        "config.storage.topic=bench-jdbc-vb-configs",
                        "offset.storage.topic=bench-jdbc-vb-offsets",
                        "status.storage.topic=bench-jdbc-vb-status",
                        ""));
        List<String> command = List.of(
                ProjectLayout.javaBinary().toString(),
                "-Xmx" + heap,
                "-XX:+UseParallelGC",
                "-jar",
                jar().toString(),
                "start",
                "--bootstrap-servers",
                bootstrapServers,
                "--plugin-path",
                pluginPath.toString(),
                "--group-id",
                "bench-jdbc-vertebra",
                "--rest-port",
                "0",
                "--data-dir",
                dir.resolve("data").toString(),
                "--config",
                config.toString());
        ChildProcess process = ChildProcess.start("vertebra", command, dir, Map.of(), dir.resolve("vertebra.log"));
        try {
            String ready =
                    process.awaitLine(l -> l.contains("vertebra ready") && l.contains(" rest="), Duration.ofMinutes(2));
            int at = ready.indexOf(" rest=") + 6;
            int end = ready.indexOf(' ', at);
            return new VertebraNodeRuntime(process, end < 0 ? ready.substring(at) : ready.substring(at, end));
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "Vertebra node";
    }

    @Override
    public void deploy(String connector, Map<String, String> config) {
        String body = config.entrySet().stream()
                .map(e -> quote(e.getKey()) + ":" + quote(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
        HttpResponse<String> response = send("PUT", "/connectors/" + connector + "/config", body);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "Vertebra refused " + connector + ": " + response.statusCode() + " " + response.body());
        }
    }

    @Override
    public void remove(String connector) {
        send("DELETE", "/connectors/" + connector, null);
    }

    @Override
    public String status(String connector) {
        HttpResponse<String> response = send("GET", "/connectors/" + connector + "/status", null);
        return response.statusCode() == 200 ? response.body() : "";
    }

    private HttpResponse<String> send(String method, String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.terminate(Duration.ofSeconds(30));
            }
        } catch (RuntimeException e) {
            // did not stop in time
        } finally {
            process.close();
        }
    }
}
