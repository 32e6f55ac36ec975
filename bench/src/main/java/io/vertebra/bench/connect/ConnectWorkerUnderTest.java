package io.vertebra.bench.connect;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A Connect worker in its own JVM with the same heap: Apache Kafka Connect 4.3 ({@code ConnectDistributed}) or a
 * Vertebra node in pure-worker mode ({@code vertebra start --bootstrap-servers}). Both load Apache Kafka's
 * connect-file plugin from the same plugin directory and use the same converters and flush interval.
 */
final class ConnectWorkerUnderTest implements AutoCloseable {
    final String name;
    final String url;
    private final ChildProcess process;
    private final HttpClient http = HttpClient.newHttpClient();

    private ConnectWorkerUnderTest(String name, String url, ChildProcess process) {
        this.name = name;
        this.url = url;
        this.process = process;
    }

    static ConnectWorkerUnderTest kafkaConnect(Path dir, String bootstrap, Path plugins, String heap) throws Exception {
        int port = Ports.free();
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("group.id", "bench-kafka-connect");
        p.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.setProperty("config.storage.topic", "bench-kc-configs");
        p.setProperty("offset.storage.topic", "bench-kc-offsets");
        p.setProperty("status.storage.topic", "bench-kc-status");
        p.setProperty("config.storage.replication.factor", "1");
        p.setProperty("offset.storage.replication.factor", "1");
        p.setProperty("status.storage.replication.factor", "1");
        p.setProperty("offset.flush.interval.ms", "10000");
        p.setProperty("listeners", "http://127.0.0.1:" + port);
        p.setProperty("plugin.path", plugins.toString());
        Files.createDirectories(dir);
        Path config = dir.resolve("connect-distributed.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "Kafka Connect for the benchmark");
        }
        ChildProcess process = KafkaDistribution.start(
                "kafka-connect", KafkaDistribution.CONNECT_DISTRIBUTED, List.of(config.toString()), dir, heap);
        ConnectWorkerUnderTest worker =
                new ConnectWorkerUnderTest("Kafka Connect 4.3", "http://127.0.0.1:" + port, process);
        try {
            worker.awaitRest();
            return worker;
        } catch (Exception | Error e) {
            worker.close();
            throw e;
        }
    }

    static ConnectWorkerUnderTest vertebra(Path dir, String bootstrap, Path plugins, String heap) throws Exception {
        Path jar = ProjectLayout.root().resolve("node/target/vertebra.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the node first (./mvnw -pl node install)");
        }
        Files.createDirectories(dir);
        List<String> command =
                new ArrayList<>(List.of(ProjectLayout.javaBinary().toString(), "-Xmx" + heap, "-XX:+UseParallelGC"));
        String extra = System.getProperty("bench.vertebra.jvm", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of(
                "-jar",
                jar.toString(),
                "start",
                "--bootstrap-servers",
                bootstrap,
                "--plugin-path",
                plugins.toString(),
                "--group-id",
                "bench-vertebra",
                "--rest-port",
                "0",
                "--data-dir",
                dir.resolve("data").toString()));
        Path nodeConfig = dir.resolve("node.properties");
        Files.writeString(
                nodeConfig,
                String.join(
                        "\n",
                        "offset.flush.interval.ms=10000",
                        "config.storage.topic=bench-vb-configs",
                        "offset.storage.topic=bench-vb-offsets",
                        "status.storage.topic=bench-vb-status",
                        ""));
        command.add("--config");
        command.add(nodeConfig.toString());
        ChildProcess process =
                ChildProcess.start("vertebra", command, dir, java.util.Map.of(), dir.resolve("vertebra.log"));
        String url;
        try {
            url = awaitReadyLine(process);
        } catch (Exception | Error e) {
            process.close();
            throw e;
        }
        ConnectWorkerUnderTest worker = new ConnectWorkerUnderTest("Vertebra", url, process);
        try {
            worker.awaitRest();
            return worker;
        } catch (Exception | Error e) {
            worker.close();
            throw e;
        }
    }

    /** The REST URL from the node's ready line ({@code vertebra ready: ... rest=http://host:port data.dir=...}). */
    private static String awaitReadyLine(ChildProcess process) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            for (String line : process.lines()) {
                int at = line.indexOf(" rest=");
                if (line.contains("vertebra ready") && at >= 0) {
                    return line.substring(at + 6, line.indexOf(' ', at + 6));
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("Vertebra exited: " + process.output());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Vertebra did not start:\n" + process.output());
    }

    private void awaitRest() throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (send("GET", "/connectors", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + process.output());
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " REST API did not come up:\n" + process.output());
    }

    /** CPU time the worker's JVM has used so far (all its threads, user + system), from /proc; NaN elsewhere. */
    double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, in clock ticks (USER_HZ)
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
        b.header("Content-Type", "application/json");
        b.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    void create(String body) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", "/connectors", body);
        if (r.statusCode() != 201) {
            throw new IllegalStateException(name + " refused the connector: " + r.statusCode() + " " + r.body());
        }
    }

    /** SIGTERM first (a clean stop, which also writes a flight recording if one runs), SIGKILL if that hangs. */
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
