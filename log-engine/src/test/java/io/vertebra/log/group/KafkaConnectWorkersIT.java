package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertebra.log.TestBroker;
import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.io.Writer;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ClassicGroupDescription;
import org.apache.kafka.common.ClassicGroupState;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real Apache Kafka Connect workers (4.3, separate JVMs) form their worker group through this broker's
 * coordinator with the "connect" protocol (kafka-clients' AbstractCoordinator, as our runtime uses it); when one
 * is killed with SIGKILL, its session expires and the other carries on alone.
 */
class KafkaConnectWorkersIT {
    private static final String GROUP = "connect-cluster";
    private static final int WORKER_SESSION_MS = 4000;

    @TempDir
    Path dir;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record Worker(String name, ChildProcess process, int restPort) {}

    /** Starts a worker JVM without waiting for it (both workers boot in parallel). */
    private Worker startWorker(String name, String bootstrap) throws IOException {
        int restPort = Ports.free();
        Path workDir = dir.resolve(name);
        Files.createDirectories(workDir);
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("group.id", GROUP);
        p.setProperty("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.setProperty("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        for (String store : List.of("config", "offset", "status")) {
            p.setProperty(store + ".storage.topic", GROUP + "-" + store + "s");
            p.setProperty(store + ".storage.replication.factor", "1");
        }
        p.setProperty("session.timeout.ms", Integer.toString(WORKER_SESSION_MS));
        p.setProperty("heartbeat.interval.ms", "500");
        p.setProperty("listeners", "http://127.0.0.1:" + restPort);
        p.setProperty("rest.advertised.host.name", "127.0.0.1");
        p.setProperty("rest.advertised.port", Integer.toString(restPort));
        p.setProperty("plugin.path", workDir.resolve("plugins").toString());
        p.setProperty("plugin.discovery", "service_load"); // no class-path scan: a much faster start
        Files.createDirectories(workDir.resolve("plugins"));
        Path file = workDir.resolve("worker.properties");
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "Kafka Connect worker against the Vertebra broker");
        }
        return new Worker(
                name,
                KafkaDistribution.start(
                        name, KafkaDistribution.CONNECT_DISTRIBUTED, List.of(file.toString()), workDir, "384m"),
                restPort);
    }

    private void awaitRest(Worker worker) {
        Awaitility.await(worker.name() + " REST API")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> {
                    if (!worker.process().isAlive()) {
                        throw new IllegalStateException(
                                worker.name() + " exited:\n" + worker.process().output());
                    }
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.restPort() + "/connectors"))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200;
                });
    }

    private static ClassicGroupDescription describe(Admin admin) throws Exception {
        return admin.describeClassicGroups(List.of(GROUP))
                .describedGroups()
                .get(GROUP)
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void connectWorkersFormAGroupAndSurviveTheLossOfOne() throws Exception {
        List<Worker> workers = new ArrayList<>();
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"), GroupTestSettings.fastGroups());
                Admin admin = broker.admin()) {
            workers.add(startWorker("worker-1", broker.bootstrap()));
            workers.add(startWorker("worker-2", broker.bootstrap()));
            workers.forEach(this::awaitRest);

            Awaitility.await("both workers in a Stable group")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> {
                        ClassicGroupDescription group = describe(admin);
                        return group.state() == ClassicGroupState.STABLE
                                && group.members().size() == 2;
                    });
            ClassicGroupDescription formed = describe(admin);
            assertEquals("connect", formed.protocol());
            assertEquals("sessioned", formed.protocolData(), "the newest protocol both workers support");

            workers.get(1).process().kill();
            long killedAt = System.nanoTime();
            Awaitility.await("the survivor alone in a Stable group")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> {
                        ClassicGroupDescription group = describe(admin);
                        return group.state() == ClassicGroupState.STABLE
                                && group.members().size() == 1;
                    });
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertEquals(
                    true, elapsedMs >= WORKER_SESSION_MS - 500, "the killed worker left before its session expired");
        } finally {
            workers.forEach(w -> w.process().close());
        }
    }
}
