package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One run of {@code compat.js}, the KafkaJS 2.2.4 side of the KafkaJS tests (pinned in
 * {@code node/src/test/js/kafkajs/package-lock.json}): one command a process, printing JSON lines that are parsed
 * as they arrive. {@link Session} installs KafkaJS into {@code node/target/kafkajs} with {@code npm ci}; it needs
 * Node.js and npm on the PATH, and the test fails, naming them, when they are missing.
 */
final class KafkaJs implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SOURCES = ProjectLayout.root().resolve("node/src/test/js/kafkajs");
    static final Path INSTALL = ProjectLayout.root().resolve("node/target/kafkajs");
    /** API (name and key) -> the versions KafkaJS sent, over all runs in this JVM (all KafkaJS test classes). */
    private static final Map<String, Set<Integer>> API_VERSIONS = new ConcurrentSkipListMap<>();

    final String name;
    final String commandLine;
    final ChildProcess process;
    /** The file whose creation asks a consumer or a producer to finish, or null for a command that just ends. */
    private final Path stopFile;

    private final List<JsonNode> events = new ArrayList<>();
    private int parsedLines;
    /** Whether KafkaJS may restart this consumer after an error (what it does when its coordinator dies). */
    volatile boolean restartsAllowed;

    private KafkaJs(String name, String commandLine, ChildProcess process, Path stopFile) {
        this.name = name;
        this.commandLine = commandLine;
        this.process = process;
        this.stopFile = stopFile;
    }

    synchronized List<JsonNode> events() {
        List<String> lines = process.lines();
        for (; parsedLines < lines.size(); parsedLines++) {
            String line = lines.get(parsedLines);
            if (line.startsWith("{\"ev\":")) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("not JSON from " + name + ": " + line, e);
                }
            }
        }
        List<JsonNode> crashes = events.stream()
                .filter(e -> e.get("ev").asText().equals("crash"))
                .filter(e -> !(restartsAllowed && e.get("restart").asBoolean()))
                .toList();
        assertTrue(crashes.isEmpty(), () -> name + " crashed: " + crashes + "\n" + process.output());
        return List.copyOf(events);
    }

    List<JsonNode> events(String ev) {
        return events().stream().filter(e -> e.get("ev").asText().equals(ev)).toList();
    }

    /** The partitions of the latest group join, or null before the first. */
    List<Integer> assignment() {
        List<JsonNode> joins = events("assigned");
        if (joins.isEmpty()) {
            return null;
        }
        List<Integer> partitions = new ArrayList<>();
        joins.get(joins.size() - 1).get("partitions").forEach(p -> partitions.add(p.asInt()));
        return partitions;
    }

    void awaitDone(Duration timeout) {
        int code = process.awaitExit(timeout);
        List<JsonNode> all = events();
        for (JsonNode e : all) {
            if (e.get("ev").asText().equals("apis")) {
                e.get("versions")
                        .fields()
                        .forEachRemaining(v -> v.getValue()
                                .forEach(n -> API_VERSIONS
                                        .computeIfAbsent(v.getKey(), k -> new ConcurrentSkipListSet<>())
                                        .add(n.asInt())));
            }
        }
        assertEquals(0, code, () -> commandLine + " failed:\n" + process.output());
        assertFalse(
                all.isEmpty() || !all.get(all.size() - 1).get("ev").asText().equals("done"),
                () -> commandLine + " did not finish:\n" + process.output());
    }

    /** Asks a consumer to leave its group (its stop file) and waits for it to finish. */
    void stop() throws IOException {
        Files.createFile(stopFile);
        awaitDone(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        process.close();
    }

    /** A record {@code i} of a compat.js producer, acknowledged at this partition and offset. */
    record Ack(long i, int partition, long offset) {}

    /** The acknowledgements this producer run printed, by record number: each once, numbers consecutive. */
    Map<Long, Ack> acks() {
        Map<Long, Ack> acks = new TreeMap<>();
        for (JsonNode a : events("ack")) {
            Ack ack = new Ack(
                    a.get("i").asLong(),
                    a.get("partition").asInt(),
                    a.get("offset").asLong());
            assertTrue(acks.put(ack.i(), ack) == null, "record " + ack.i() + " acknowledged twice");
        }
        long expected = acks.isEmpty() ? 0 : acks.keySet().iterator().next();
        for (long i : acks.keySet()) {
            assertEquals(expected++, i, "acknowledged records are consecutive");
        }
        return acks;
    }

    /** The one event {@code ev} this run printed. */
    JsonNode only(String ev) {
        return only(events(ev));
    }

    static JsonNode only(List<JsonNode> events) {
        assertEquals(1, events.size(), events.toString());
        return events.get(0);
    }

    /** Asserts that createTopics answered "created". */
    void assertCreated() {
        JsonNode c = only("created");
        assertTrue(c.get("created").asBoolean(), "createTopics answered created: " + c);
    }

    /** The topics listTopics answered. */
    Set<String> topics() {
        Set<String> topics = new TreeSet<>();
        only("topics").get("topics").forEach(t -> topics.add(t.asText()));
        return topics;
    }

    /** Every acknowledged record is where its acknowledgement says, exactly as sent; nothing else is there. */
    static void assertReadBackExactly(
            Map<Long, Ack> acks,
            Map<TopicPartition, List<ConsumerRecord<String, String>>> read,
            String topic,
            Long tsBase) {
        Map<TopicPartition, Map<Long, ConsumerRecord<String, String>>> byOffset = new HashMap<>();
        int total = 0;
        Set<String> values = new HashSet<>();
        for (var e : read.entrySet()) {
            Map<Long, ConsumerRecord<String, String>> m = new HashMap<>();
            for (ConsumerRecord<String, String> r : e.getValue()) {
                m.put(r.offset(), r);
                assertTrue(values.add(r.value()), "written once: " + r.value() + " again at " + r.offset());
                total++;
            }
            byOffset.put(e.getKey(), m);
        }
        assertEquals(acks.size(), total, "records in " + topic + " (acknowledged " + acks.size() + ")");
        for (Ack a : acks.values()) {
            ConsumerRecord<String, String> r =
                    byOffset.get(new TopicPartition(topic, a.partition())).get(a.offset());
            String where = topic + "-" + a.partition() + "@" + a.offset() + " (record " + a.i() + ")";
            assertTrue(r != null, "nothing at " + where);
            assertEquals("k-" + a.i(), r.key(), where);
            assertEquals("v-" + a.i(), r.value(), where);
            Map<String, String> headers = new TreeMap<>();
            for (Header h : r.headers()) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
            assertEquals(Map.of("seq", Long.toString(a.i()), "client", "kafkajs"), headers, where);
            if (tsBase != null) {
                assertEquals(tsBase + a.i(), r.timestamp(), where);
            }
        }
    }

    /** The consumed records are exactly the acknowledged ones, each once, with key, value and headers. */
    static void assertExactlyOnce(Map<Long, Ack> acks, List<JsonNode> consumed, String topic) {
        Map<String, JsonNode> byPosition = new HashMap<>();
        for (JsonNode m : consumed) {
            String position = m.get("partition").asInt() + "@" + m.get("offset").asLong();
            assertTrue(byPosition.put(position, m) == null, "read once: " + position);
        }
        assertEquals(acks.size(), consumed.size(), "records consumed");
        for (Ack a : acks.values()) {
            JsonNode m = byPosition.get(a.partition() + "@" + a.offset());
            String where = topic + "-" + a.partition() + "@" + a.offset();
            assertTrue(m != null, "not consumed: " + where);
            assertEquals("k-" + a.i(), m.get("key").asText(), where);
            assertEquals("v-" + a.i(), m.get("value").asText(), where);
            assertEquals(Long.toString(a.i()), m.get("headers").get("seq").asText(), where);
        }
    }

    /** Checks Node.js and npm, then installs KafkaJS from the lock file unless that exact install is there. */
    private static void install() throws Exception {
        String missing = "The KafkaJS tests need Node.js (>= 14) and npm on the PATH to run KafkaJS: install"
                + " them (Debian/Ubuntu: apt-get install nodejs npm; or https://nodejs.org) and run again";
        for (String tool : List.of("node", "npm")) {
            try {
                Process p = new ProcessBuilder(tool, "--version")
                        .redirectErrorStream(true)
                        .start();
                String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    fail(missing + " (`" + tool + " --version` failed: " + version + ")");
                }
                System.out.println(tool + " " + version);
            } catch (IOException e) {
                fail(missing + " (cannot run `" + tool + "`: " + e.getMessage() + ")");
            }
        }
        Files.createDirectories(INSTALL);
        byte[] lock = Files.readAllBytes(SOURCES.resolve("package-lock.json"));
        Path installedLock = INSTALL.resolve("package-lock.json");
        boolean current = Files.isRegularFile(INSTALL.resolve("node_modules/kafkajs/package.json"))
                && Files.isRegularFile(installedLock)
                && Arrays.equals(lock, Files.readAllBytes(installedLock));
        try (var files = Files.list(SOURCES)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, INSTALL.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!current) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                    .directory(INSTALL.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(INSTALL.resolve("npm-ci.log").toFile())
                    .start();
            if (!npm.waitFor(5, TimeUnit.MINUTES)) {
                npm.destroyForcibly();
                fail("npm ci in " + INSTALL + " did not finish in 5 minutes; see npm-ci.log there");
            }
            assertEquals(
                    0,
                    npm.exitValue(),
                    () -> "npm ci in " + INSTALL + " failed:\n" + read(INSTALL.resolve("npm-ci.log")));
        }
        JsonNode kafkajs = JSON.readTree(
                INSTALL.resolve("node_modules/kafkajs/package.json").toFile());
        assertEquals("2.2.4", kafkajs.get("version").asText(), "installed KafkaJS version");
    }

    /** Prints the API versions KafkaJS used in every run so far in this JVM and writes them to {@code api-versions.json}. */
    private static void reportApiVersions() throws IOException {
        Map<String, Set<Integer>> sorted = new TreeMap<>(API_VERSIONS);
        String report = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(sorted);
        System.out.println("API versions KafkaJS 2.2.4 used: " + report);
        Files.writeString(INSTALL.resolve("api-versions.json"), report);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /**
     * The lifecycle of a KafkaJS test, registered as an instance field, and its compat.js runs: before the test it
     * installs KafkaJS (failing, never skipping, without Node.js or npm); each run logs into
     * {@code node/target/kafkajs/logs/<test method>/}; after the test it ends the runs still going, stops the nodes
     * started through {@link #start}, keeps their logs next to the runs' and reports the API versions KafkaJS used.
     */
    static final class Session implements BeforeEachCallback, AfterEachCallback {
        private final List<KafkaJs> started = new ArrayList<>();
        private Path logs;
        private Path stopFiles;
        private CompatibilityCluster cluster;

        /** Starts {@code size} nodes in {@code dir} for this test; the runs' stop files go there too. */
        CompatibilityCluster start(Path dir, int size) {
            stopFiles = dir;
            cluster = CompatibilityCluster.start(dir, size, "384m", Map.of());
            return cluster;
        }

        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            install();
            logs = NodeLogs.emptyDirectory(INSTALL.resolve("logs")
                    .resolve(context.getRequiredTestMethod().getName()));
        }

        @Override
        public void afterEach(ExtensionContext context) throws IOException {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            if (cluster != null) {
                cluster.closeKeepingLogs(logs);
            }
            if (!started.isEmpty()) {
                reportApiVersions();
            }
        }

        /** Runs one compat.js command to its end (exit 0 and "done" required). */
        KafkaJs run(String command, String bootstrap, String... args) {
            KafkaJs run = launch(command, bootstrap, null, args);
            run.awaitDone(Duration.ofSeconds(60));
            return run;
        }

        /** A group member reading {@code topic} until {@link KafkaJs#stop}. */
        KafkaJs consumer(String bootstrap, String topic, String group, String member) {
            Path stop = stopFiles.resolve("stop-" + member);
            return launch(
                    "consume",
                    bootstrap,
                    stop,
                    "topic=" + topic,
                    "group=" + group,
                    "member=" + member,
                    "stopFile=" + stop);
        }

        /** An idempotent producer of records {@code from}, on, until {@link KafkaJs#stop}. */
        KafkaJs producer(String bootstrap, String topic, long from) {
            Path stop = stopFiles.resolve("stop-producer-" + from);
            return launch("produce", bootstrap, stop, "topic=" + topic, "from=" + from, "stopFile=" + stop, "batch=5");
        }

        private KafkaJs launch(String command, String bootstrap, Path stopFile, String... args) {
            List<String> line = new ArrayList<>(List.of(
                    "node",
                    "--max-old-space-size=128",
                    INSTALL.resolve("compat.js").toString(),
                    command,
                    bootstrap));
            line.addAll(List.of(args));
            String name = String.format("%02d-%s", started.size() + 1, command);
            KafkaJs run = new KafkaJs(
                    name,
                    String.join(" ", line),
                    ChildProcess.start("kafkajs-" + name, line, INSTALL, Map.of(), logs.resolve(name + ".log")),
                    stopFile);
            started.add(run);
            return run;
        }
    }
}
