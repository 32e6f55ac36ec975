package io.vertebra.connect.cdcpostgres.testing;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;

/**
 * A real Apache Kafka Connect worker (distributed mode, {@link KafkaDistribution#CONNECT_DISTRIBUTED}) in a child
 * JVM, with a plugin path given by the test, JSON converters with schemas, and settings that let a SIGKILLed worker's
 * tasks move quickly (short sessions, no scheduled rebalance delay). {@link #kill()} is SIGKILL; {@link #restart()}
 * starts a new worker JVM in the same Connect cluster (same group and internal topics), which takes the connectors
 * over.
 *
 * <p>Copied from the JDBC sink tests (connectors/jdbc) until it moves into the shared test kit. One test thread
 * drives it.
 */
public final class ConnectWorker implements AutoCloseable {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final Path config;
    private final int port;
    private final String heap;
    private ChildProcess process;
    private int generation;

    private ConnectWorker(Path dir, Path config, int port, String heap) {
        this.dir = dir;
        this.config = config;
        this.port = port;
        this.heap = heap;
    }

    /** Starts a worker against {@code bootstrapServers} loading plugins from {@code pluginPath}; waits for REST. */
    public static ConnectWorker start(
            Path dir, String bootstrapServers, Path pluginPath, String heap, Map<String, String> overrides) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        int port = Ports.free();
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.setProperty("group.id", "connect-" + id);
        p.setProperty("config.storage.topic", "connect-configs-" + id);
        p.setProperty("offset.storage.topic", "connect-offsets-" + id);
        p.setProperty("status.storage.topic", "connect-status-" + id);
        p.setProperty("config.storage.replication.factor", "1");
        p.setProperty("offset.storage.replication.factor", "1");
        p.setProperty("status.storage.replication.factor", "1");
        p.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("key.converter.schemas.enable", "true");
        p.setProperty("value.converter.schemas.enable", "true");
        p.setProperty("listeners", "http://127.0.0.1:" + port);
        p.setProperty("rest.advertised.host.name", "127.0.0.1");
        p.setProperty("plugin.path", pluginPath.toAbsolutePath().toString());
        p.setProperty("plugin.discovery", "service_load");
        p.setProperty("connector.client.config.override.policy", "All");
        p.setProperty("scheduled.rebalance.max.delay.ms", "0");
        p.setProperty("session.timeout.ms", "6000");
        p.setProperty("heartbeat.interval.ms", "1000");
        p.setProperty("consumer.session.timeout.ms", "6000");
        p.setProperty("consumer.heartbeat.interval.ms", "1000");
        p.setProperty("offset.flush.interval.ms", "10000");
        overrides.forEach(p::setProperty);
        Path config = dir.resolve("connect-" + id + ".properties");
        try {
            Files.createDirectories(dir);
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "Apache Kafka Connect worker for Vertebra tests");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConnectWorker worker = new ConnectWorker(dir, config, port, heap);
        worker.launch();
        return worker;
    }

    private void launch() {
        generation++;
        process = KafkaDistribution.start(
                "connect-" + port + "-" + generation,
                KafkaDistribution.CONNECT_DISTRIBUTED,
                List.of(config.toString()),
                dir,
                heap);
        Awaitility.await("Kafka Connect REST on port " + port)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("Kafka Connect exited:\n" + process.output());
                    }
                    try {
                        return get("/connectors").statusCode() == 200;
                    } catch (IOException e) {
                        return false;
                    }
                });
    }

    /** SIGKILL: no shutdown, no offset commit. */
    public void kill() {
        process.kill();
    }

    /** Starts a fresh worker JVM with the same configuration (after {@link #kill()}). */
    public void restart() {
        if (process.isAlive()) {
            process.kill();
        }
        launch();
    }

    public ChildProcess process() {
        return process;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Creates or updates a connector ({@code PUT /connectors/{name}/config}). */
    public HttpResponse<String> putConnector(String name, Map<String, String> config) {
        String body = config.entrySet().stream()
                .map(e -> json(e.getKey()) + ":" + json(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
        return send(HttpRequest.newBuilder(URI.create(url() + "/connectors/" + name + "/config"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    public HttpResponse<String> put(String path, String jsonBody) {
        return send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(jsonBody))
                .build());
    }

    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).DELETE().build());
    }

    public HttpResponse<String> get(String path) throws IOException {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + path))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The body of {@code GET /connectors/{name}/status}, or the empty string while it is not there. */
    public String status(String name) {
        try {
            HttpResponse<String> response = get("/connectors/" + name + "/status");
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String json(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** A connector config map from alternating keys and values. */
    public static Map<String, String> config(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}
