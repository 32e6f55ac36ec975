package io.vertebra.connect.parquet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.awaitility.Awaitility;

/**
 * The real Apache Kafka Connect worker (distributed mode, from the Kafka distribution) as a child JVM, with one
 * plugin directory on its plugin path and service-loader discovery only, driven over its REST API. Restartable
 * with the same configuration after a kill. (A test fixture; candidate for the shared test kit.)
 */
final class ConnectWorker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Path dir;
    private final Path properties;
    private final int restPort;
    private ChildProcess process;
    private int starts;

    private ConnectWorker(Path dir, Path properties, int restPort) {
        this.dir = dir;
        this.properties = properties;
        this.restPort = restPort;
    }

    /** Writes the worker config (internal topics and group named after {@code name}) and starts the worker. */
    static ConnectWorker start(Path dir, String name, String bootstrapServers, Path pluginDir) throws IOException {
        Files.createDirectories(dir);
        Path pluginPath = dir.resolve("plugin-path");
        Files.createDirectories(pluginPath);
        Path link = pluginPath.resolve(pluginDir.getFileName());
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, pluginDir.toAbsolutePath());
        }
        int port = Ports.free();
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.setProperty("group.id", name);
        p.setProperty("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("value.converter.schemas.enable", "true");
        for (String store : List.of("config", "offset", "status")) {
            p.setProperty(store + ".storage.topic", name + "-" + store + "s");
            p.setProperty(store + ".storage.replication.factor", "1");
        }
        p.setProperty("offset.flush.interval.ms", "2000");
        p.setProperty("listeners", "http://127.0.0.1:" + port);
        p.setProperty("rest.advertised.host.name", "127.0.0.1");
        p.setProperty("rest.advertised.port", Integer.toString(port));
        p.setProperty("plugin.path", pluginPath.toString());
        p.setProperty("plugin.discovery", "service_load");
        // a killed worker's sink consumers leave the group quickly, so the restarted one takes over soon
        p.setProperty("consumer.session.timeout.ms", "10000");
        p.setProperty("consumer.heartbeat.interval.ms", "2000");
        Path file = dir.resolve("worker.properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "Kafka Connect worker for the Parquet sink tests");
        }
        ConnectWorker worker = new ConnectWorker(dir, file, port);
        worker.start();
        return worker;
    }

    /** (Re)starts the worker process and waits until its REST API answers. */
    void start() {
        starts++;
        process = KafkaDistribution.start(
                "connect-" + starts,
                KafkaDistribution.CONNECT_DISTRIBUTED,
                List.of(properties.toString()),
                dir,
                "768m");
        Awaitility.await("Kafka Connect REST API is up")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Connect worker exited:\n" + process.output());
                    }
                    return get("/connectors").statusCode() == 200;
                });
    }

    ChildProcess process() {
        return process;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> put(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode getJson(String path) {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates or updates a connector and fails unless the worker accepted it. */
    void putConnector(String name, Map<String, String> config) {
        HttpResponse<String> response = put("/connectors/" + name + "/config", config);
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException("PUT connector answered " + response.statusCode() + ": " + response.body());
        }
    }

    void deleteConnector(String name) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(uri("/connectors/" + name)).DELETE());
        if (response.statusCode() != 204) {
            throw new IllegalStateException(
                    "DELETE connector answered " + response.statusCode() + ": " + response.body());
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
