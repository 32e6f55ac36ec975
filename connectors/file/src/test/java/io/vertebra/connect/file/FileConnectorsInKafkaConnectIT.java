package io.vertebra.connect.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.testkit.ConnectWorker;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.RealKafkaCluster;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin directory exactly as the build installs it ({@code plugins/vertebra-file/}), loaded by the real Apache
 * Kafka Connect 4.3 worker (ServiceLoader discovery only) on a real Kafka broker: lines tailed from rotating files go
 * through a topic into the sink's rolling files exactly once, and stay exactly once when the worker is SIGKILLed
 * mid-stream (exactly-once source support plus the sink's commit markers).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FileConnectorsInKafkaConnectIT {
    static final Path BUILT_PLUGIN = ProjectLayout.root().resolve("plugins/vertebra-file");
    static final String SOURCE = "io.vertebra.connect.file.source.FileSourceConnector";
    static final String SINK = "io.vertebra.connect.file.sink.FileSinkConnector";

    @TempDir
    static Path dir;

    static RealKafkaCluster kafka;
    static ConnectWorker worker;

    @BeforeAll
    static void start() throws IOException {
        try (Stream<Path> files = Files.list(BUILT_PLUGIN)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(
                    names.stream().anyMatch(n -> n.startsWith("vertebra-connector-file-"))
                            && names.stream().anyMatch(n -> n.startsWith("jackson-core-")),
                    "the build installs the plugin and its library into " + BUILT_PLUGIN + ": " + names);
        }
        // plugin.path lists plugin directories: link ours, unchanged, so that other plugins under plugins/ stay out
        Path pluginPath = ConnectWorker.pluginPath(dir.resolve("plugin-path"), BUILT_PLUGIN);
        kafka = RealKafkaCluster.start(dir.resolve("kafka"), 1, "512m", Map.of());
        // exactly-once source support and read-committed sink consumers; source offsets flushed every second
        Map<String, String> settings = new HashMap<>(ConnectWorker.EXACTLY_ONCE);
        settings.put("offset.flush.interval.ms", "1000");
        worker = ConnectWorker.start(dir.resolve("connect"), kafka.bootstrapServers(), pluginPath, "512m", settings);
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Order(1)
    void listsBothConnectorsWithTheirVersion() throws IOException {
        String plugins = worker.get("/connector-plugins").body();
        assertTrue(
                plugins.contains("{\"class\":\"" + SOURCE + "\",\"type\":\"source\",\"version\":\"0.1.0-SNAPSHOT\"}"),
                plugins);
        assertTrue(
                plugins.contains("{\"class\":\"" + SINK + "\",\"type\":\"sink\",\"version\":\"0.1.0-SNAPSHOT\"}"),
                plugins);
    }

    @Test
    @Order(2)
    void linesFromRotatingFilesReachTheSinkFilesExactlyOnce() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        Path live = in.resolve("app.log");
        append(live, lines("a", 0, 5000));

        Map<String, String> source = new LinkedHashMap<>();
        source.put("connector.class", SOURCE);
        source.put("tasks.max", "1");
        source.put("topic", "app-lines");
        source.put("file.pattern", in + "/app.log*");
        source.put("file.scan.interval.ms", "200");
        source.put("exactly.once.support", "required");
        assertEquals(
                201,
                worker.post("/connectors", "{\"name\":\"file-source\",\"config\":" + ConnectWorker.json(source) + "}")
                        .statusCode());
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("connector.class", SINK);
        sink.put("tasks.max", "1");
        sink.put("topics", "app-lines");
        sink.put("file.path", out + "/lines.txt");
        sink.put("roll.size.bytes", "40000");
        assertEquals(
                201,
                worker.put("/connectors/file-sink/config", ConnectWorker.json(sink))
                        .statusCode());
        awaitRunning("file-source");
        awaitRunning("file-sink");

        try (OutputStream writer = new FileOutputStream(live.toFile(), true)) {
            writer.write(lines("a", 5000, 10000).getBytes(StandardCharsets.UTF_8));
            Files.move(live, in.resolve("app.log.1")); // rename-and-create rotation, the writer keeps its handle
            writer.write(lines("a", 10000, 10050).getBytes(StandardCharsets.UTF_8));
        }
        append(live, lines("b", 0, 3000));

        List<String> written = awaitLines(out, "lines.txt", 13050);
        assertEquals(
                expected("a", 0, 10050),
                written.stream().filter(l -> l.startsWith("a")).toList());
        assertEquals(
                expected("b", 0, 3000),
                written.stream().filter(l -> l.startsWith("b")).toList());
        try (Stream<Path> files = Files.list(out)) {
            assertTrue(
                    files.filter(p -> p.getFileName().toString().startsWith("lines.txt.0"))
                                    .count()
                            > 3,
                    "rolled");
        }
    }

    @Test
    @Order(3)
    void aWorkerKilledMidStreamLosesAndRepeatsNoLine() throws Exception {
        Path in = Files.createDirectories(dir.resolve("eos-in"));
        Path out = dir.resolve("eos-out");
        Path file = in.resolve("stream.log");
        Map<String, String> source = new LinkedHashMap<>();
        source.put("connector.class", SOURCE);
        source.put("topic", "stream-lines");
        source.put("file.paths", file.toString());
        source.put("exactly.once.support", "required");
        assertEquals(
                201,
                worker.put("/connectors/eos-source/config", ConnectWorker.json(source))
                        .statusCode());
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("connector.class", SINK);
        sink.put("topics", "stream-lines");
        sink.put("file.path", out + "/stream.txt");
        sink.put("format", "json");
        assertEquals(
                201,
                worker.put("/connectors/eos-sink/config", ConnectWorker.json(sink))
                        .statusCode());

        AtomicInteger lineCount = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(
                () -> {
                    try (OutputStream stream = new FileOutputStream(file.toFile(), true)) {
                        while (writing.get()) {
                            int from = lineCount.get();
                            stream.write(lines("e", from, from + 100).getBytes(StandardCharsets.UTF_8));
                            lineCount.addAndGet(100);
                            Thread.sleep(10); // an application writing its log: up to 10,000 lines a second
                        }
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                },
                "log-writer");
        writer.start();
        try {
            awaitLines(out, "stream.txt", 5000, false);
            worker.kill(); // SIGKILL while the source tails a growing file and the sink writes
        } finally {
            writing.set(false);
            writer.join();
        }
        worker.restart();
        awaitRunning("eos-source");
        awaitRunning("eos-sink");
        List<String> expected = expected("e", 0, lineCount.get());
        assertSameLines("topic stream-lines (read_committed)", expected, awaitTopic("stream-lines", expected.size()));
        List<String> quoted = expected.stream().map(l -> "\"" + l + "\"").toList();
        assertSameLines(out + "/stream.txt", quoted, awaitLines(out, "stream.txt", quoted.size()));
    }

    /** Equal lists, or a failure that shows where they part and what comes there. */
    private static void assertSameLines(String where, List<String> expected, List<String> actual) {
        if (expected.equals(actual)) {
            return;
        }
        int i = 0;
        while (i < Math.min(expected.size(), actual.size()) && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        throw new AssertionError(where + " has " + actual.size() + " lines, expected " + expected.size()
                + "; they part at line " + i + ": expected " + expected.subList(i, Math.min(i + 3, expected.size()))
                + ", got " + actual.subList(Math.max(0, i - 2), Math.min(i + 3, actual.size())));
    }

    /** The payloads of the topic's committed records, once there are at least {@code count}. */
    private static List<String> awaitTopic(String topic, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            Awaitility.await(count + " records in " + topic)
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                            String value = record.value(); // {"schema":{...},"payload":"<line>"}
                            int start = value.indexOf("\"payload\":\"") + "\"payload\":\"".length();
                            values.add(value.substring(start, value.lastIndexOf('"')));
                        }
                        return values.size() >= count;
                    });
            // everything committed is read: a duplicate would show as a longer list
            values.addAll(consumer.poll(Duration.ofMillis(500)).count() == 0 ? List.of() : List.of("<more records>"));
        }
        return values;
    }

    private static void awaitRunning(String connector) {
        Awaitility.await(connector + " and its task RUNNING")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    String status = worker.status(connector);
                    if (status.contains("\"FAILED\"")) {
                        throw new AssertionError(connector + " failed: " + status);
                    }
                    return status.contains("\"tasks\":[{\"id\":0,\"state\":\"RUNNING\"");
                });
    }

    private static List<String> awaitLines(Path dir, String name, int count) {
        return awaitLines(dir, name, count, true);
    }

    /** Waits until the sink's files (rolled ones first, then the active one) hold {@code count} complete lines. */
    private static List<String> awaitLines(Path dir, String name, int count, boolean exactly) {
        List<List<String>> last = new ArrayList<>(List.of(List.of()));
        Awaitility.await(count + " lines in " + dir.resolve(name))
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    List<String> lines = sinkLines(dir, name);
                    last.set(0, lines);
                    if (exactly && lines.size() > count) {
                        throw new AssertionError(lines.size() + " lines, more than the " + count + " sent");
                    }
                    return lines.size() >= count;
                });
        return last.get(0);
    }

    private static List<String> sinkLines(Path dir, String name) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().startsWith(name + ".0"))
                    .sorted()
                    .toList();
        }
        List<String> lines = new ArrayList<>();
        for (Path file : files) {
            lines.addAll(completeLines(file));
        }
        lines.addAll(completeLines(dir.resolve(name)));
        return lines;
    }

    private static List<String> completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(
                file,
                text,
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static String lines(String prefix, int from, int to) {
        StringBuilder text = new StringBuilder();
        IntStream.range(from, to).forEach(i -> text.append(prefix).append(i).append(" some payload text\n"));
        return text.toString();
    }

    private static List<String> expected(String prefix, int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> prefix + i + " some payload text")
                .toList();
    }
}
