package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.runtime.metrics.BuildVersion;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node started as a user starts it, watched the way an operator does: {@code /ready} answers 503 naming what is
 * not ready while the worker joins, then 200; {@code /metrics} is a Prometheus scrape whose Connect families move as
 * records flow through a file source → topic → file sink pipeline (with a record the sink cannot convert, tolerated
 * and sent to the dead letter queue). The scrape passes Prometheus' own linter ({@code promtool check metrics}).
 */
class NodeMonitoringIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void put(int port, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
    }

    private PrometheusScrape scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = get(port, "/metrics");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        return PrometheusScrape.parse(r.body());
    }

    @Test
    void readinessAndMetricsFollowTheNodeAndItsPipeline() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins/kafka-connect-file"));
        Files.copy(KafkaDistribution.jar("connect-file"), plugins.resolve("connect-file.jar"));
        Path config = dir.resolve("node.yaml");
        // the first rebalance of a new group waits this long: the window in which /ready must say 503
        Files.writeString(config, "group.initial.rebalance.delay.ms: 3000\noffset.flush.interval.ms: 1000\n");
        int rest = Ports.free();
        try (NodeProcess node = NodeProcess.start(
                dir.resolve("data"),
                Ports.free(),
                rest,
                "--config",
                config.toString(),
                "--plugin-path",
                plugins.getParent().toString())) {
            List<HttpResponse<String>> answers = new ArrayList<>();
            await("/ready answers 200")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        try {
                            HttpResponse<String> r = get(rest, "/ready");
                            answers.add(r);
                            return r.statusCode() == 200;
                        } catch (IOException notListeningYet) {
                            assertTrue(node.process.isAlive(), node.process.output());
                            return false;
                        }
                    });
            HttpResponse<String> first = answers.get(0);
            assertEquals(503, first.statusCode(), "the REST port answers before the worker joined: " + first.body());
            JsonNode notReady = JSON.readTree(first.body());
            assertEquals("not_ready", notReady.get("status").asText(), first.body());
            assertTrue(notReady.get("message").asText().contains("group"), first.body());
            assertEquals(false, notReady.at("/checks/group/ready").asBoolean(), first.body());
            JsonNode ready = JSON.readTree(answers.get(answers.size() - 1).body());
            for (String check : List.of("log", "stores", "group")) {
                assertTrue(ready.at("/checks/" + check + "/ready").asBoolean(), ready.toString());
            }
            assertTrue(ready.at("/checks/group/message").asText().contains("1 worker(s)"), ready.toString());
            assertEquals(200, get(rest, "/health").statusCode());

            Path input = dir.resolve("in.jsonl");
            Path output = dir.resolve("out.jsonl");
            List<String> lines = new ArrayList<>(
                    IntStream.range(0, 300).mapToObj(i -> "{\"n\":" + i + "}").toList());
            lines.add(150, "this line is not JSON");
            Files.write(input, lines);
            put(rest, "/connectors/lines-in/config", """
                    {"connector.class": "FileStreamSource", "file": "%s", "topic": "lines",
                     "value.converter": "org.apache.kafka.connect.storage.StringConverter"}""".formatted(input));
            put(rest, "/connectors/lines-out/config", """
                    {"connector.class": "FileStreamSink", "file": "%s", "topics": "lines",
                     "value.converter": "org.apache.kafka.connect.json.JsonConverter",
                     "value.converter.schemas.enable": "false",
                     "errors.tolerance": "all", "errors.deadletterqueue.topic.name": "lines-dlq",
                     "errors.deadletterqueue.topic.replication.factor": "1"}""".formatted(output));
            await("the JSON lines reach the sink file")
                    .atMost(Duration.ofSeconds(60))
                    .until(() ->
                            Files.exists(output) && Files.readAllLines(output).size() >= 300);
            await("offsets of both tasks are committed and the connectors reported RUNNING")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        PrometheusScrape s = scrape(rest);
                        return s.value(
                                                "vertebra_connect_offset_commit_seconds_count",
                                                "connector",
                                                "lines-in",
                                                "task",
                                                "0")
                                        > 0
                                && s.value(
                                                "vertebra_connect_offset_commit_seconds_count",
                                                "connector",
                                                "lines-out",
                                                "task",
                                                "0")
                                        > 0
                                && s.value("vertebra_connect_connectors", "state", "RUNNING") == 2
                                && s.value(
                                                "vertebra_connect_sink_consumer_lag_records",
                                                "connector",
                                                "lines-out",
                                                "task",
                                                "0")
                                        == 0;
                    });
            PrometheusScrape before = scrape(rest);
            String[] in = {"connector", "lines-in", "task", "0"};
            String[] out = {"connector", "lines-out", "task", "0"};
            assertEquals(301, before.value("vertebra_connect_source_records_polled_total", in), before.text());
            assertEquals(301, before.value("vertebra_connect_source_records_written_total", in));
            assertEquals(301, before.value("vertebra_connect_sink_records_read_total", out));
            assertEquals(300, before.value("vertebra_connect_sink_records_put_total", out), "the bad line is skipped");
            assertEquals(
                    1,
                    before.value(
                            "vertebra_connect_record_errors_total",
                            "connector",
                            "lines-out",
                            "task",
                            "0",
                            "stage",
                            "VALUE_CONVERTER"));
            assertEquals(1, before.value("vertebra_connect_records_skipped_total", out));
            assertEquals(1, before.value("vertebra_connect_dlq_records_produced_total", out));
            assertEquals(0, before.value("vertebra_connect_offset_commit_failures_total", in));
            assertEquals(2, before.value("vertebra_connect_tasks", "state", "RUNNING"));
            assertEquals(
                    1, before.value("vertebra_connect_connector_state", "connector", "lines-out", "state", "RUNNING"));
            assertEquals(
                    1,
                    before.value(
                            "vertebra_connect_task_state", "connector", "lines-in", "task", "0", "state", "RUNNING"));
            assertTrue(before.value("vertebra_connect_rebalances_total") >= 1, before.text());
            assertEquals(1, before.value("vertebra_connect_workers"));
            assertTrue(before.families().contains("jvm_memory_used_bytes"), "JVM meters: " + before.families());
            assertTrue(before.value("process_uptime_seconds") > 0);
            assertTrue(
                    before.families().size() >= 20,
                    "at least 20 metric families: " + before.families().size() + " " + before.families());
            assertDashboardQueriesExist(before);
            assertEquals(1, before.value("vertebra_build_info", "version", BuildVersion.current()), before.text());
            // every family now present (tasks, histograms, DLQ, broker, JVM) follows Prometheus' naming rules
            Promtool.assertCleanScrape(before.text());

            List<String> more =
                    IntStream.range(300, 500).mapToObj(i -> "{\"n\":" + i + "}").toList();
            Files.write(input, more, StandardOpenOption.APPEND);
            await("the counters move with the next 200 records")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        PrometheusScrape s = scrape(rest);
                        return s.value("vertebra_connect_source_records_written_total", in) == 501
                                && s.value("vertebra_connect_sink_records_put_total", out) == 500;
                    });
            PrometheusScrape after = scrape(rest);
            assertEquals(501, after.value("vertebra_connect_sink_records_read_total", out));
            assertTrue(
                    after.value("vertebra_connect_sink_put_seconds_count", out)
                            > before.value("vertebra_connect_sink_put_seconds_count", out),
                    "put latency observed per batch");
            assertEquals(1, after.value("vertebra_connect_dlq_records_produced_total", out), "nothing new went wrong");
            // the embedded broker's meters are in the same registry: the source's 501 records went into "lines"
            assertEquals(501, after.value("vertebra_broker_topic_records_in_total", "topic", "lines"), after.text());
            assertTrue(after.value("vertebra_broker_topic_out_bytes_total", "topic", "lines") > 0, after.text());
            assertEquals(0, after.value("vertebra_broker_under_replicated_partitions"), after.text());

            HttpResponse<String> paused = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + rest + "/connectors/lines-in/pause"))
                            .PUT(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, paused.statusCode());
            await("the state gauges follow a pause")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> scrape(rest)
                                    .value(
                                            "vertebra_connect_connector_state",
                                            "connector",
                                            "lines-in",
                                            "state",
                                            "PAUSED")
                            == 1);
            assertEquals(0, node.process.terminate(Duration.ofSeconds(30)), "SIGTERM stops the node cleanly");
        }
    }

    /**
     * The Grafana dashboard's broker, JVM and process queries name families this node exports (the Connect ones are checked by ConnectMetricsTest,
     * with the snapshot families a running Debezium connector adds).
     */
    private static void assertDashboardQueriesExist(PrometheusScrape scrape) throws IOException {
        String dashboard = Files.readString(
                io.vertebra.testkit.ProjectLayout.root().resolve("docker/grafana/dashboards/vertebra.json"));
        java.util.regex.Matcher used = java.util.regex.Pattern.compile("\\b(vertebra_broker|jvm|process)_[a-z_]+")
                .matcher(dashboard);
        java.util.Set<String> missing = new java.util.TreeSet<>();
        while (used.find()) {
            String name = used.group();
            if (!scrape.families().contains(name.replaceFirst("_(bucket|count|sum)$", ""))) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "the dashboard queries families the node does not export: " + missing);
    }
}
