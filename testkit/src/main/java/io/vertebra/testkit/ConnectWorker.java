package io.vertebra.testkit;

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
import org.awaitility.Awaitility;

/**
 * A real Apache Kafka Connect 4.3 worker (distributed mode, {@link KafkaDistribution#CONNECT_DISTRIBUTED}) in a child
 * JVM, driven over its REST API.
 *
 * <p>Defaults: its own group and internal topics (random names), JSON converters with schemas for keys and values,
 * ServiceLoader plugin discovery only, client overrides allowed ({@code connector.client.config.override.policy=All}),
 * offsets flushed every 10 s, and short sessions with no scheduled rebalance delay so that a SIGKILLed worker's
 * connectors and tasks move quickly to its replacement. Callers replace any of these with {@code overrides}, e.g.
 * {@link #EXACTLY_ONCE} for exactly-once source support with read-committed sink consumers.
 *
 * <p>{@link #kill()} is SIGKILL; {@link #restart()} starts a new worker JVM (on a new REST port) with the same
 * configuration, in the same Connect cluster, which takes the connectors over from the config topic. If the test
 * JVM exits without closing the worker, a shutdown hook stops it.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
public final class ConnectWorker implements AutoCloseable {
    /** Worker overrides for exactly-once source support and sink consumers that read committed records only. */
    public static final Map<String, String> EXACTLY_ONCE =
            Map.of("exactly.once.source.support", "enabled", "consumer.isolation.level", "read_committed");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path dir;
    private final Path config;
    private final Properties settings;
    private final String heap;
    private final Thread shutdownHook = new Thread(this::close, "stop-connect-worker");
    private ChildProcess process;
    private int port;
    private int generation;

    private ConnectWorker(Path dir, Path config, Properties settings, String heap) {
        this.dir = dir;
        this.config = config;
        this.settings = settings;
        this.heap = heap;
    }

    /** {@link #start(Path, String, Path, String, Map)} with the default settings. */
    public static ConnectWorker start(Path dir, String bootstrapServers, Path pluginPath, String heap) {
        return start(dir, bootstrapServers, pluginPath, heap, Map.of());
    }

    /**
     * Starts a worker against {@code bootstrapServers} loading plugins from {@code pluginPath} (a directory of plugin
     * directories, see {@link #pluginPath}), with {@code overrides} replacing or adding worker settings; returns once
     * its REST API answers.
     */
    public static ConnectWorker start(
            Path dir, String bootstrapServers, Path pluginPath, String heap, Map<String, String> overrides) {
        String id = UUID.randomUUID().toString().substring(0, 8);
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
        ConnectWorker worker = new ConnectWorker(dir, dir.resolve("connect-" + id + ".properties"), p, heap);
        Runtime.getRuntime().addShutdownHook(worker.shutdownHook);
        try {
            worker.launch();
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        return worker;
    }

    /**
     * A plugin path ({@code dir}, created) that holds a symbolic link to each of {@code pluginDirs}, unchanged: only
     * these plugins load, not their neighbours (say, the other directories under the build's {@code plugins/}).
     */
    public static Path pluginPath(Path dir, Path... pluginDirs) {
        try {
            Files.createDirectories(dir);
            for (Path plugin : pluginDirs) {
                Path link = dir.resolve(plugin.getFileName());
                if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, plugin.toAbsolutePath());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    private void launch() {
        generation++;
        port = Ports.free();
        settings.setProperty("listeners", "http://127.0.0.1:" + port);
        try {
            Files.createDirectories(dir);
            try (var out = Files.newBufferedWriter(config)) {
                settings.store(out, "Apache Kafka Connect worker for Vertebra tests");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** SIGKILL: no shutdown, no offset commit, no flush. Returns once the JVM is gone. */
    public void kill() {
        process.kill();
    }

    /**
     * A fresh worker JVM with the same configuration in the same Connect cluster (SIGKILLing the current one first if
     * it still runs), which takes the connectors over; returns once its REST API answers.
     */
    public void restart() {
        if (process.isAlive()) {
            process.kill();
        }
        launch();
    }

    /** The current worker JVM. */
    public ChildProcess process() {
        return process;
    }

    /** The REST API of the current worker JVM, e.g. {@code http://127.0.0.1:8083}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Creates or updates a connector ({@code PUT /connectors/{name}/config}); fails unless the worker accepts it. */
    public HttpResponse<String> putConnector(String name, Map<String, String> config) {
        HttpResponse<String> response = put("/connectors/" + name + "/config", json(config));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    "PUT connector " + name + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    /** Deletes a connector ({@code DELETE /connectors/{name}}); fails unless the worker answers 204. */
    public void deleteConnector(String name) {
        HttpResponse<String> response = delete("/connectors/" + name);
        if (response.statusCode() != 204) {
            throw new IllegalStateException(
                    "DELETE connector " + name + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** {@code POST} of a JSON body. */
    public HttpResponse<String> post(String path, String jsonBody) {
        return send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody))
                .build());
    }

    /** {@code PUT} of a JSON body. */
    public HttpResponse<String> put(String path, String jsonBody) {
        return send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(jsonBody))
                .build());
    }

    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(url() + path)).DELETE().build());
    }

    /** {@code GET}; an {@link IOException} while the worker is not (yet) listening. */
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

    /** The body of {@code GET /connectors/{name}/status}, or the empty string while there is none. */
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

    /** A flat JSON object of string values, escaped (a connector configuration). */
    public static String json(Map<String, String> values) {
        StringBuilder out = new StringBuilder("{");
        values.forEach((k, v) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(json(k)).append(':').append(json(v));
        });
        return out.append('}').toString();
    }

    /** A JSON string literal. */
    public static String json(String s) {
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

    /** A connector config map (mutable, in order) from alternating keys and values. */
    public static Map<String, String> config(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException exitingOrNotRegistered) {
            // the JVM is exiting (this is the hook), or it was never registered
        }
        if (process != null) {
            process.close();
        }
    }
}
