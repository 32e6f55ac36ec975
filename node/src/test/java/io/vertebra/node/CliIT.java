package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user runs it: {@code java -jar vertebra.jar <command>} as a separate process against a real node
 * (embedded log, Connect worker with the bundled plugins), reading {@code VERTEBRA_URL} and
 * {@code VERTEBRA_BOOTSTRAP}, checked by what it prints, its exit code and what the node then holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    NodeProcess node;
    String url;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startNode() throws Exception {
        Path config = dir.resolve("node.yaml");
        // groups (the sinks' and the CLI's --group) form at once instead of after the default 3 s delay
        Files.writeString(
                config,
                "worker:\n  enabled: true\nplugin.path: " + ProjectLayout.root().resolve("plugins") + "\n"
                        + "offset.flush.interval.ms: 1000\ngroup.initial.rebalance.delay.ms: 0\n"
                        + "connector.allowed.dirs: " + dir + "\n");
        node = NodeProcess.start(dir.resolve("data"), Ports.free(), Ports.free(), "--config", config.toString());
        node.awaitReady();
        url = "http://127.0.0.1:" + node.restPort;
        await("the Connect worker is ready")
                .atMost(Duration.ofSeconds(90))
                .until(() -> rest("GET", "/health", null).statusCode() == 200);
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    CliRun cli(String stdin, String... args) throws Exception {
        return CliRun.run(dir, url, node.bootstrap(), stdin, args);
    }

    HttpResponse<String> rest(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    List<String> connectorNames() throws Exception {
        List<String> names = new ArrayList<>();
        JSON.readTree(rest("GET", "/connectors", null).body()).forEach(n -> names.add(n.asText()));
        names.sort(null);
        return names;
    }

    /** The end offsets of the topics apply writes to: unchanged offsets mean nothing was written. */
    Map<String, Long> writes() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(
                Map.of("bootstrap.servers", node.bootstrap()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition configs = new TopicPartition("connect-configs", 0);
            TopicPartition apply = new TopicPartition("vertebra-apply", 0);
            Map<TopicPartition, Long> end = c.endOffsets(List.of(configs, apply), Duration.ofSeconds(30));
            return Map.of("connect-configs", end.get(configs), "vertebra-apply", end.get(apply));
        }
    }

    private static final String TOPIC = """
            kind: Topic
            name: cli-events
            partitions: 2
            configs:
              retention.ms: 3600000
            """;

    private static String source(Path input) {
        return """
                kind: Connector
                name: cli-source
                config:
                  connector.class: io.vertebra.connect.file.source.FileSourceConnector
                  file.paths: %s
                  topic: cli-events
                """.formatted(input);
    }

    private static String sink(Path output, String truststorePassword) {
        return """
                name: cli-sink
                config:
                  connector.class: FileSink
                  topics: cli-events
                  file.path: %s
                  format: json
                  consumer.override.ssl.truststore.password: %s
                """.formatted(output, truststorePassword);
    }

    @Test
    void applyPlansCreatesReappliesAsNoChangePrunesOnlyItsOwnAndDryRunsWithoutChanging() throws Exception {
        Path input = Files.writeString(dir.resolve("in.log"), "one\ntwo\n");
        Path output = dir.resolve("out.jsonl");
        Path set = Files.createDirectories(dir.resolve("pipeline"));
        Files.writeString(set.resolve("10-topic.yaml"), TOPIC);
        Files.writeString(set.resolve("20-connectors.yaml"), source(input) + "---\n" + sink(output, "first-secret"));

        CliRun created = cli(null, "apply", "-f", set.toString(), "--wait", "90");
        assertEquals(0, created.exit(), created.toString());
        assertTrue(created.out().contains("Plan for apply set 'pipeline':"), created.toString());
        assertTrue(created.out().contains("+ topic cli-events  (create)"), created.toString());
        assertTrue(created.out().contains("+ connector cli-source  (create)"), created.toString());
        assertTrue(created.out().contains("+ connector cli-sink  (create)"), created.toString());
        assertTrue(created.out().contains("3 to create, 0 to change, 0 unchanged, 0 to delete."), created.toString());
        assertTrue(created.out().contains("Applied."), created.toString());
        assertFalse(created.out().contains("first-secret"), "secrets never printed:\n" + created);
        assertTrue(created.err().contains("[2/2] read"), "progress over the files:\n" + created);
        assertTrue(created.err().contains("waiting for connectors: 2/2"), "waited until running:\n" + created);
        await("the pipeline moves the lines to the output file")
                .atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(output) && Files.readAllLines(output).size() >= 2);

        Map<String, Long> before = writes();
        CliRun again = cli(null, "apply", "-f", set.toString());
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("No changes: 3 unchanged. Nothing was written."), again.toString());
        assertEquals(before, writes(), "re-applying an unchanged set writes nothing");

        Files.writeString(set.resolve("20-connectors.yaml"), source(input) + "---\n" + sink(output, "second-secret"));
        CliRun changed = cli(null, "apply", "-f", set.toString());
        assertEquals(0, changed.exit(), changed.toString());
        assertTrue(
                changed.out()
                        .contains("  ~ connector cli-sink  (change)\n"
                                + "      consumer.override.ssl.truststore.password: [hidden] -> [hidden]\n"
                                + "0 to create, 1 to change, 2 unchanged, 0 to delete."),
                "only the changed key, masked:\n" + changed);
        assertFalse(changed.out().contains("secret"), changed.toString());

        assertEquals(
                201,
                rest(
                                "POST",
                                "/connectors",
                                "{\"name\": \"handmade\", \"config\": {\"connector.class\": \"FileSink\","
                                        + " \"topics\": \"cli-events\", \"file.path\": \"" + dir.resolve("hand.jsonl")
                                        + "\"}}")
                        .statusCode());
        Files.writeString(set.resolve("20-connectors.yaml"), source(input));
        CliRun pruned = cli(null, "apply", "-f", set.toString(), "--prune");
        assertEquals(0, pruned.exit(), pruned.toString());
        assertTrue(pruned.out().contains("- connector cli-sink  (delete)"), pruned.toString());
        assertTrue(pruned.out().contains("0 to create, 0 to change, 2 unchanged, 1 to delete."), pruned.toString());
        assertEquals(List.of("cli-source", "handmade"), connectorNames(), "the hand-made connector survives");

        Files.writeString(
                set.resolve("30-more.yaml"),
                sink(dir.resolve("more.jsonl"), "x").replace("cli-sink", "cli-more"));
        Files.writeString(set.resolve("10-topic.yaml"), TOPIC.replace("partitions: 2", "partitions: 3"));
        Map<String, Long> beforeDryRun = writes();
        CliRun dry = cli(null, "apply", "-f", set.toString(), "--dry-run", "--prune", "-o", "json");
        assertEquals(0, dry.exit(), dry.toString());
        JsonNode plan = JSON.readTree(dry.out());
        assertTrue(plan.get("dry_run").asBoolean());
        assertFalse(plan.get("applied").asBoolean());
        assertEquals(1, plan.get("summary").get("created").asInt(), dry.toString());
        assertEquals(1, plan.get("summary").get("changed").asInt(), dry.toString());
        assertEquals(List.of("cli-source", "handmade"), connectorNames(), "a dry run creates nothing");
        assertEquals(beforeDryRun, writes(), "a dry run writes nothing");
        CliRun describe = cli(null, "topics", "describe", "cli-events", "-o", "json");
        assertEquals(2, JSON.readTree(describe.out()).get("partitions").asInt(), describe.toString());
    }

    @Test
    void applyRefusesInvalidFilesAndInvalidConfigsWithoutChangingAnything() throws Exception {
        Path bad = Files.writeString(
                dir.resolve("bad.yaml"), "name: broken\nconfig:\n  connector.class: FileSink\n  tasks.max: 0\n");
        CliRun offline = cli(null, "apply", "-f", bad.toString());
        assertEquals(1, offline.exit(), offline.toString());
        assertTrue(
                offline.err().contains("bad.yaml:4:3: error: config.tasks.max: must have a minimum value of 1"),
                offline.toString());
        assertTrue(offline.err().contains("nothing was applied"), offline.toString());

        Path unknown = Files.writeString(
                dir.resolve("unknown.yaml"), "name: nope\nconfig:\n  connector.class: org.acme.NoSuchConnector\n");
        CliRun server = cli(null, "apply", "-f", unknown.toString());
        assertEquals(1, server.exit(), server.toString());
        assertTrue(
                server.out()
                        .contains("problem: " + unknown + ":1: connector 'nope': Failed to find any class that"
                                + " implements Connector"),
                "the problem names the file and line of the document:\n" + server);
        assertTrue(server.out().contains("Nothing was changed"), server.toString());
        assertFalse(connectorNames().contains("nope"));
    }

    @Test
    void topicsCreateListDescribeDelete() throws Exception {
        CliRun create =
                cli(null, "topics", "create", "cli-topic", "--partitions", "3", "--config", "cleanup.policy=compact");
        assertEquals(0, create.exit(), create.toString());
        assertEquals("created topic cli-topic\n", create.out());
        CliRun again = cli(null, "topics", "create", "cli-topic");
        assertEquals(1, again.exit(), again.toString());
        assertTrue(
                again.err().contains("error: cannot create topic cli-topic: Topic 'cli-topic' already exists"),
                again.toString());
        CliRun bomb = cli(null, "topics", "create", "cli-bomb", "-p", "10000");
        assertEquals(1, bomb.exit(), bomb.toString());
        assertTrue(
                bomb.err()
                        .contains("error: cannot create topic cli-bomb: cannot create topic 'cli-bomb' with 10000"
                                + " partitions: broker "),
                bomb.toString());
        assertTrue(bomb.err().contains("max.broker.partitions=4000"), bomb.toString());

        CliRun list = cli(null, "topics", "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().startsWith("TOPIC"), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("cli-topic\\s+3\\s+1")), list.toString());

        CliRun describe = cli(null, "topics", "describe", "cli-topic");
        assertEquals(0, describe.exit(), describe.toString());
        assertTrue(
                describe.out().contains("Topic: cli-topic   partitions: 3   replication factor: 1"),
                describe.toString());
        assertTrue(describe.out().contains("Configs: {cleanup.policy=compact}"), describe.toString());
        assertEquals(
                3,
                describe.out()
                        .lines()
                        .filter(l -> l.matches("\\d\\s+1\\s+1\\s+1"))
                        .count(),
                describe.toString());
        JsonNode yaml = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(cli(null, "topics", "describe", "cli-topic", "-o", "yaml")
                        .out());
        assertEquals("compact", yaml.get("configs").get("cleanup.policy").asText());

        CliRun delete = cli(null, "topics", "delete", "cli-topic");
        assertEquals(0, delete.exit(), delete.toString());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> cli(null, "topics", "list").out().lines().noneMatch(l -> l.startsWith("cli-topic ")));
        CliRun gone = cli(null, "topics", "describe", "cli-topic");
        assertEquals(1, gone.exit(), gone.toString());
        assertTrue(gone.err().contains("vertebra topics list shows the topics there are"), gone.toString());
    }

    @Test
    void produceThenConsumeRoundTrip() throws Exception {
        assertEquals(
                0, cli(null, "topics", "create", "cli-greetings", "-p", "1").exit());
        CliRun produce = cli("k1:hello\nk2:world\nk3:again\n", "produce", "cli-greetings", "--key-separator", ":");
        assertEquals(0, produce.exit(), produce.toString());
        assertEquals("produced 3 record(s) to cli-greetings\n", produce.err());

        CliRun consume =
                cli(null, "consume", "cli-greetings", "--from-beginning", "--max-messages", "3", "--print-key");
        assertEquals(0, consume.exit(), consume.toString());
        assertEquals("k1\thello\nk2\tworld\nk3\tagain\n", consume.out());

        CliRun group = cli(null, "consume", "cli-greetings", "--from-beginning", "--group", "cli-g", "-n", "2");
        assertEquals("hello\nworld\n", group.out(), group.toString());
        CliRun rest = cli(null, "consume", "cli-greetings", "--group", "cli-g", "--timeout", "5", "-o", "json");
        assertEquals(0, rest.exit(), rest.toString());
        JsonNode record = JSON.readTree(rest.out().trim());
        assertEquals("again", record.get("value").asText(), "the group resumes after what it printed: " + rest);
        assertEquals(2, record.get("offset").asLong());

        CliRun latest = cli(null, "consume", "cli-greetings", "--timeout", "3");
        assertEquals("", latest.out(), "without --from-beginning only new records: " + latest);
    }

    @Test
    void connectorsCommands() throws Exception {
        assertEquals(
                201,
                rest(
                                "POST",
                                "/connectors",
                                "{\"name\": \"cli-ctl\", \"config\": {\"connector.class\": \"FileSink\","
                                        + " \"topics\": \"cli-ctl\", \"file.path\": \"" + dir.resolve("ctl.jsonl")
                                        + "\"}}")
                        .statusCode());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> cli(null, "connectors", "status", "cli-ctl").out().contains("task 0             RUNNING"));
        CliRun list = cli(null, "connectors", "list");
        assertTrue(
                list.out().lines().anyMatch(l -> l.matches("cli-ctl\\s+sink\\s+RUNNING\\s+1/1 running\\s+FileSink")),
                list.toString());
        assertEquals(
                "pausing cli-ctl\n", cli(null, "connectors", "pause", "cli-ctl").out());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> JSON.readTree(cli(null, "connectors", "status", "cli-ctl", "-o", "json")
                                .out())
                        .get("connector")
                        .get("state")
                        .asText()
                        .equals("PAUSED"));
        assertEquals(
                "resuming cli-ctl\n",
                cli(null, "connectors", "resume", "cli-ctl").out());
        assertEquals(
                "stopping cli-ctl\n", cli(null, "connectors", "stop", "cli-ctl").out());
        assertEquals(0, cli(null, "connectors", "restart", "cli-ctl").exit());
        CliRun get = cli(null, "connectors", "get", "cli-ctl");
        assertTrue(get.out().contains("type: sink") && get.out().contains("topics"), get.toString());
        CliRun missing = cli(null, "connectors", "delete", "cli-ctl", "no-such");
        assertEquals(1, missing.exit(), missing.toString());
        assertEquals("deleted cli-ctl\n", missing.out());
        assertTrue(missing.err().contains("error: no-such: Connector no-such not found"), missing.toString());
    }

    @Test
    void validateNamesFileKeyAndLineAndFails() throws Exception {
        Path files = Files.createDirectories(dir.resolve("to-validate"));
        Files.writeString(
                files.resolve("good.json"),
                "{\"name\": \"g\", \"config\": {\"connector.class\": \"FileSink\","
                        + " \"topics\": \"t\", \"file.path\": \"/tmp/x\"}}");
        Files.writeString(
                files.resolve("bad.yaml"),
                "# a pipeline\nname: b\nconfig:\n  connector.class: FileSource\n  topic: t\n  start.position: middle\n");
        CliRun run = cli(null, "validate", "-f", files.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(
                run.out()
                        .contains(files.resolve("bad.yaml") + ":6:3: error: config.start.position: must be one of"
                                + " beginning, end (in any case) (found \"middle\")"),
                run.toString());
        assertTrue(run.out().contains("1 error(s), 0 warning(s) in 1 of 2 file(s)"), run.toString());
        CliRun ok = cli(null, "validate", "-f", files.resolve("good.json").toString());
        assertEquals(0, ok.exit(), ok.toString());
        CliRun examples = cli(
                null,
                "validate",
                "-f",
                ProjectLayout.root().resolve("config-examples").toString());
        assertEquals(0, examples.exit(), examples.toString());
    }

    @Test
    void aNodeThatCannotBeReachedIsNamedWithTheFixAndTheCommandFailsFast() throws Exception {
        String closed = "127.0.0.1:" + Ports.free();
        List<List<String>> commands = List.of(
                List.of("connectors", "list", "--url", "http://" + closed),
                List.of("topics", "list", "--bootstrap-server", closed),
                List.of("produce", "cli-nowhere", "--bootstrap-server", closed),
                List.of("consume", "cli-nowhere", "--bootstrap-server", closed));
        for (List<String> command : commands) {
            long startNs = System.nanoTime();
            CliRun run = cli("one\n", command.toArray(String[]::new));
            long ms = (System.nanoTime() - startNs) / 1_000_000;
            assertEquals(3, run.exit(), command + ": " + run);
            assertTrue(run.err().contains("error: cannot reach "), command + ": " + run);
            assertTrue(run.err().contains(closed), "names the address it tried: " + command + ": " + run);
            // the goal is under 5 s; the bound only catches a hang on a busy test machine (timing is for bench/)
            assertTrue(ms < 20_000, command + " took " + ms + " ms: " + run);
        }
        CliRun rest = cli(null, "connectors", "list", "--url", "http://" + closed);
        assertTrue(rest.err().contains("is the node running? set --url or VERTEBRA_URL"), rest.toString());
    }

    /** A sink whose JSON converter cannot read the topic: RUNNING at first, FAILED on its first record. */
    private static String failingSink(String name, String topic, Path output) {
        return """
                kind: Connector
                name: %s
                config:
                  connector.class: FileSink
                  topics: %s
                  file.path: %s
                  value.converter: org.apache.kafka.connect.json.JsonConverter
                  value.converter.schemas.enable: false
                """.formatted(name, topic, output);
    }

    @Test
    void applyWaitFailsOnATaskThatFailsAfterStartingAndStatusShowsTheRootCauseAndExitsNonZero() throws Exception {
        assertEquals(0, cli(null, "topics", "create", "cli-not-json", "-p", "1").exit());
        assertEquals(0, cli("not json at all\n", "produce", "cli-not-json").exit());
        Path file = Files.writeString(
                dir.resolve("failing.yaml"), failingSink("cli-failing", "cli-not-json", dir.resolve("never.jsonl")));
        try {
            CliRun apply = cli(null, "apply", "-f", file.toString(), "--wait", "90", "--stable-for", "10s");
            assertEquals(1, apply.exit(), "a connector that fails after starting is a failed apply:\n" + apply);
            assertTrue(apply.out().contains("Applied."), apply.toString());
            assertTrue(
                    apply.err().contains("error: task 0 of connector cli-failing failed: "),
                    "names the connector and task:\n" + apply);
            assertTrue(apply.err().contains("Unrecognized token 'not'"), "the root cause:\n" + apply);
            assertFalse(apply.err().contains("Tolerance exceeded"), "not the outer exception:\n" + apply);

            CliRun status = cli(null, "connectors", "status", "cli-failing");
            assertEquals(1, status.exit(), "FAILED shown means a failed command:\n" + status);
            assertTrue(
                    status.out()
                            .lines()
                            .anyMatch(l -> l.startsWith("task 0")
                                    && l.contains("FAILED")
                                    && l.contains("Unrecognized token 'not'")),
                    "the error column shows the innermost cause:\n" + status);
            assertFalse(status.out().contains("Tolerance exceeded"), status.toString());
            assertTrue(status.err().contains("error: task 0 of connector cli-failing failed:"), status.toString());
            CliRun json = cli(null, "connectors", "status", "cli-failing", "-o", "json");
            assertEquals(1, json.exit(), "the exit code does not depend on the format:\n" + json);
        } finally {
            rest("DELETE", "/connectors/cli-failing", null);
        }
    }

    @Test
    void exportedDocumentsApplyUnchangedFromStandardInput() throws Exception {
        Path set = Files.createDirectories(dir.resolve("roundtrip"));
        Files.writeString(set.resolve("all.yaml"), """
                kind: Topic
                name: cli-round
                partitions: 2
                configs:
                  retention.ms: 7200000
                ---
                kind: Connector
                name: cli-round-sink
                state: paused
                config:
                  connector.class: FileSink
                  topics: cli-round
                  file.path: %s
                  format: json
                """.formatted(dir.resolve("round.jsonl")));
        CliRun created = cli(null, "apply", "-f", set.toString());
        assertEquals(0, created.exit(), created.toString());
        await("the connector is paused")
                .atMost(Duration.ofSeconds(60))
                .until(() -> rest("GET", "/connectors/cli-round-sink/status", null)
                        .body()
                        .contains("PAUSED"));

        CliRun export = cli(null, "export", "--set", "roundtrip");
        assertEquals(0, export.exit(), export.toString());
        assertTrue(export.out().contains("kind: Topic") && export.out().contains("state: paused"), export.toString());
        CliRun again = cli(export.out(), "apply", "-f", "-", "--set", "roundtrip", "--dry-run");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("No changes: 2 unchanged."), "export -> apply plans no change:\n" + again);

        CliRun get = cli(null, "connectors", "get", "cli-round-sink", "-o", "yaml");
        assertEquals(0, get.exit(), get.toString());
        CliRun fromGet = cli(get.out(), "apply", "-f", "-", "--set", "roundtrip", "--dry-run");
        assertTrue(fromGet.out().contains("No changes: 1 unchanged."), "get -o yaml -> apply:\n" + fromGet);
        CliRun all = cli(null, "export", "--all");
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().contains("name: cli-round\n"), all.toString());
        assertFalse(all.out().contains("connect-configs"), "internal topics stay out:\n" + all);
    }

    @Test
    void takingOverAHandmadeConnectorOrPruningATopicWithDataNeedsForce() throws Exception {
        assertEquals(
                201,
                rest(
                                "POST",
                                "/connectors",
                                "{\"name\": \"cli-hand\", \"config\": {\"connector.class\": \"FileSink\","
                                        + " \"topics\": \"cli-hand\", \"file.path\": \""
                                        + dir.resolve("hand2.jsonl") + "\"}}")
                        .statusCode());
        Path set = Files.createDirectories(dir.resolve("owners"));
        Path connectors = Files.writeString(
                set.resolve("c.yaml"),
                "name: cli-hand\nconfig:\n  connector.class: FileSink\n  topics: cli-hand\n  file.path: "
                        + dir.resolve("hand2.jsonl") + "\n");
        Files.writeString(set.resolve("t.yaml"), "kind: Topic\nname: cli-full\npartitions: 1\n");

        CliRun refused = cli(null, "apply", "-f", set.toString());
        assertEquals(1, refused.exit(), refused.toString());
        assertTrue(
                refused.out()
                        .contains("problem: " + connectors + ":1: connector 'cli-hand' is managed by no apply set (it"
                                + " was created by hand or by another tool), not by set 'owners': --force"),
                refused.toString());
        CliRun forced = cli(null, "apply", "-f", set.toString(), "--force");
        assertEquals(0, forced.exit(), forced.toString());
        assertTrue(forced.out().contains("Applied."), forced.toString());

        assertEquals(0, cli("a\nb\nc\n", "produce", "cli-full").exit());
        Files.delete(set.resolve("t.yaml"));
        CliRun prune = cli(null, "apply", "-f", set.toString(), "--prune");
        assertEquals(1, prune.exit(), prune.toString());
        assertTrue(
                prune.out().contains("problem: pruning topic 'cli-full' would delete the 3 record(s) it holds"),
                prune.toString());
        CliRun pruned = cli(null, "apply", "-f", set.toString(), "--prune", "--force");
        assertEquals(0, pruned.exit(), pruned.toString());
        assertTrue(pruned.out().contains("- topic cli-full  (delete)"), pruned.toString());
        rest("DELETE", "/connectors/cli-hand", null);
    }
}
