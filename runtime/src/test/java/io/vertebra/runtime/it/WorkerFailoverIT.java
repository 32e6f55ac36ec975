package io.vertebra.runtime.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.testkit.ChildProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers in one group (two JVMs) share the connectors and tasks; the one running the source task is killed
 * with SIGKILL, its work moves to the survivor, which resumes from the committed offsets: every line reaches the
 * topic and the sink file, none is lost (duplicates are allowed: at-least-once, as in Kafka Connect).
 */
class WorkerFailoverIT {
    @TempDir
    static Path dir;

    @Test
    void tasksOfAKilledWorkerMoveAndNoRecordIsLost() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        String cluster = Workers.uniqueCluster("failover");
        Path plugins = Workers.pluginPathWithConnectFile(dir);
        List<ChildProcess> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Map<String, String> config = Workers.config(bootstrap, cluster, plugins);
                List<String> args = new ArrayList<>();
                config.forEach((k, v) -> args.add(k + "=" + v));
                workers.add(ChildProcess.startJava(
                        "worker-" + i,
                        System.getProperty("java.class.path"),
                        List.of("-Xmx256m", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=log4j2-test.xml"),
                        WorkerProcess.class.getName(),
                        args,
                        dir,
                        dir.resolve("worker-" + i + ".log")));
            }
            int[] ports = new int[2];
            for (int i = 0; i < 2; i++) {
                String line = workers.get(i).awaitLineContaining("worker ready rest.port=", Duration.ofSeconds(90));
                ports[i] =
                        Integer.parseInt(line.substring(line.indexOf('=') + 1).trim());
            }
            Rest a = new Rest(ports[0]);
            Path input = dir.resolve("input.txt");
            Path output = dir.resolve("output.txt");
            List<String> first =
                    IntStream.range(0, 2000).mapToObj(i -> "record-" + i).toList();
            Files.write(input, first);
            assertEquals(
                    201, a.json("POST", "/connectors", """
                    {"name": "src", "config": {"connector.class": "FileStreamSource", "file": "%s", "topic": "failover",
                     "value.converter": "org.apache.kafka.connect.storage.StringConverter"}}""".formatted(input)).status());
            assertEquals(
                    201, a.json("POST", "/connectors", """
                    {"name": "snk", "config": {"connector.class": "FileStreamSink", "file": "%s", "topics": "failover",
                     "value.converter": "org.apache.kafka.connect.storage.StringConverter"}}""".formatted(output)).status());

            await("both workers get work (one connector and one task each)")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> workersOf(a).size() == 2);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> distinctLines(output).containsAll(first));

            String sourceWorker = a.get("/connectors/src/status")
                    .json()
                    .at("/tasks/0/worker_id")
                    .asText();
            int victim = sourceWorker.endsWith(":" + ports[0]) ? 0 : 1;
            Rest survivor = new Rest(ports[1 - victim]);
            workers.get(victim).kill(); // SIGKILL: no shutdown, no final offset commit

            List<String> second =
                    IntStream.range(2000, 4000).mapToObj(i -> "record-" + i).toList();
            Files.write(input, second, StandardOpenOption.APPEND);
            await("the source task moves to the surviving worker")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        JsonNode task =
                                survivor.get("/connectors/src/status").json().at("/tasks/0");
                        return task.get("state").asText().equals("RUNNING")
                                && task.get("worker_id").asText().endsWith(":" + ports[1 - victim]);
                    });
            assertNotEquals(
                    sourceWorker,
                    survivor.get("/connectors/src/status")
                            .json()
                            .at("/tasks/0/worker_id")
                            .asText());
            Set<String> all = new HashSet<>(first);
            all.addAll(second);
            await("every line reaches the topic")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> topic(bootstrap).containsAll(all));
            await("every line reaches the sink file")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> distinctLines(output).containsAll(all));
            assertEquals(
                    "RUNNING",
                    survivor.get("/connectors/snk/status")
                            .json()
                            .at("/tasks/0/state")
                            .asText());
        } finally {
            workers.forEach(ChildProcess::close);
        }
    }

    private static Set<String> workersOf(Rest rest) {
        Set<String> ids = new HashSet<>();
        for (String name : List.of("src", "snk")) {
            JsonNode s = rest.get("/connectors/" + name + "/status").json();
            JsonNode task = s.at("/tasks/0");
            if (task.isMissingNode() || !task.get("state").asText().equals("RUNNING")) {
                return Set.of();
            }
            ids.add(task.get("worker_id").asText());
        }
        return ids;
    }

    private static Set<String> distinctLines(Path file) throws Exception {
        return Files.exists(file) ? new HashSet<>(Files.readAllLines(file, StandardCharsets.UTF_8)) : Set.of();
    }

    private static Set<String> topic(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "check-" + System.nanoTime());
        p.put("auto.offset.reset", "earliest");
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of("failover"));
            int empty = 0;
            while (empty < 3) {
                var records = c.poll(Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                records.forEach(r -> seen.add(r.value()));
            }
        }
        return seen;
    }
}
