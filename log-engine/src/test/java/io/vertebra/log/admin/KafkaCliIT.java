package io.vertebra.log.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.TestBroker;
import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.KafkaDistribution.ToolResult;
import io.vertebra.testkit.ProjectLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Apache Kafka 4.3 command-line tools, each a separate JVM, against one Vertebra broker: what an operator types
 * works and prints what it prints against Kafka. Side effects are checked with an admin client as well.
 */
class KafkaCliIT {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    static TestBroker broker;
    static Admin admin;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir.resolve("broker"));
        admin = broker.admin();
        work = Files.createDirectories(dir.resolve("tools"));
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static ToolResult tool(String mainClass, String... args) {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        return KafkaDistribution.run(mainClass, all, work, TOOL_TIMEOUT);
    }

    private static String ok(String mainClass, String... args) {
        return tool(mainClass, args).assertSuccess().output();
    }

    private static void assertContains(String output, String expected) {
        assertTrue(output.contains(expected), "expected '" + expected + "' in:\n" + output);
    }

    @Test
    void kafkaTopicsCreateListDescribeAlterDelete() throws Exception {
        assertContains(
                ok(
                        KafkaDistribution.TOPICS,
                        "--create",
                        "--topic",
                        "cli-topics",
                        "--partitions",
                        "2",
                        "--replication-factor",
                        "1",
                        "--config",
                        "retention.ms=3600000"),
                "Created topic cli-topics.");

        ToolResult duplicate = tool(KafkaDistribution.TOPICS, "--create", "--topic", "cli-topics", "--partitions", "1");
        assertNotEquals(0, duplicate.exitCode());
        assertContains(duplicate.output(), "already exists");

        assertTrue(ok(KafkaDistribution.TOPICS, "--list").lines().anyMatch("cli-topics"::equals));

        ToolResult bomb = tool(KafkaDistribution.TOPICS, "--create", "--topic", "cli-bomb", "--partitions", "10000");
        assertNotEquals(0, bomb.exitCode());
        assertContains(bomb.output(), "PolicyViolationException");
        assertContains(bomb.output(), "max.broker.partitions=4000");
        assertFalse(admin.listTopics().names().get().contains("cli-bomb"));

        ok(KafkaDistribution.TOPICS, "--alter", "--topic", "cli-topics", "--partitions", "3");

        String described = ok(KafkaDistribution.TOPICS, "--describe", "--topic", "cli-topics");
        assertContains(described, "Topic: cli-topics");
        assertContains(described, "PartitionCount: 3");
        assertContains(described, "ReplicationFactor: 1");
        assertContains(described, "retention.ms=3600000");
        for (int p = 0; p < 3; p++) {
            assertTrue(
                    Pattern.compile("Partition: " + p + "\\s+Leader: 1\\s+Replicas: 1\\s+Isr: 1")
                            .matcher(described)
                            .find(),
                    described);
        }

        ok(KafkaDistribution.TOPICS, "--delete", "--topic", "cli-topics");
        assertFalse(admin.listTopics().names().get().contains("cli-topics"));
    }

    @Test
    void kafkaConfigsOnTopicsAndClusterDefaults() throws Exception {
        admin.createTopics(List.of(new NewTopic("cli-configs", 1, (short) 1)))
                .all()
                .get();
        ok(
                KafkaDistribution.CONFIGS,
                "--alter",
                "--entity-type",
                "topics",
                "--entity-name",
                "cli-configs",
                "--add-config",
                "retention.ms=1000,cleanup.policy=[compact,delete]");
        String topic =
                ok(KafkaDistribution.CONFIGS, "--describe", "--entity-type", "topics", "--entity-name", "cli-configs");
        assertContains(topic, "Dynamic configs for topic cli-configs are:");
        assertContains(topic, "retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000");
        assertContains(topic, "cleanup.policy=compact,delete");

        ok(
                KafkaDistribution.CONFIGS,
                "--alter",
                "--entity-type",
                "topics",
                "--entity-name",
                "cli-configs",
                "--delete-config",
                "retention.ms");
        assertEquals(
                "604800000",
                admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "cli-configs")))
                        .all()
                        .get()
                        .values()
                        .iterator()
                        .next()
                        .get("retention.ms")
                        .value());

        ok(
                KafkaDistribution.CONFIGS,
                "--alter",
                "--entity-type",
                "brokers",
                "--entity-default",
                "--add-config",
                "log.retention.ms=7200000");
        String defaults = ok(KafkaDistribution.CONFIGS, "--describe", "--entity-type", "brokers", "--entity-default");
        assertContains(defaults, "Default configs for brokers in the cluster are:");
        assertContains(
                defaults,
                "log.retention.ms=7200000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=7200000");

        String all =
                ok(KafkaDistribution.CONFIGS, "--describe", "--entity-type", "brokers", "--entity-name", "1", "--all");
        assertContains(all, "All configs for broker 1 are:");
        assertContains(all, "log.retention.ms=7200000");
        assertContains(all, "num.partitions=1 sensitive=false synonyms={DEFAULT_CONFIG:num.partitions=1}");
        assertContains(all, "message.max.bytes=1048588");

        ok(
                KafkaDistribution.CONFIGS,
                "--alter",
                "--entity-type",
                "brokers",
                "--entity-default",
                "--delete-config",
                "log.retention.ms");
        assertTrue(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "")))
                .all()
                .get()
                .values()
                .iterator()
                .next()
                .entries()
                .isEmpty());
    }

    @Test
    void consoleProducerAndConsumerWithAndWithoutAGroup() throws Exception {
        admin.createTopics(List.of(new NewTopic("cli-console", 1, (short) 1)))
                .all()
                .get();
        List<String> lines = IntStream.range(0, 100).mapToObj(i -> "line-" + i).toList();
        Path input = work.resolve("console-input.txt");
        Files.write(input, lines, StandardCharsets.UTF_8);
        int exit = withStdin(
                input,
                KafkaDistribution.CONSOLE_PRODUCER,
                "--bootstrap-server",
                broker.bootstrap(),
                "--topic",
                "cli-console",
                "--producer-property",
                "acks=all");
        assertEquals(0, exit);
        TopicPartition tp = new TopicPartition("cli-console", 0);
        assertEquals(
                100,
                admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                        .all()
                        .get()
                        .get(tp)
                        .offset());

        ToolResult consumed = tool(
                KafkaDistribution.CONSOLE_CONSUMER,
                "--topic",
                "cli-console",
                "--partition",
                "0",
                "--offset",
                "earliest",
                "--max-messages",
                "100",
                "--timeout-ms",
                "60000");
        consumed.assertSuccess();
        List<String> printed =
                consumed.lines().stream().filter(l -> l.startsWith("line-")).toList();
        assertEquals(lines, printed);
        assertContains(consumed.output(), "Processed a total of 100 messages");

        // the same with a consumer group: it subscribes, is assigned the partition, and commits what it read
        ToolResult grouped = tool(
                KafkaDistribution.CONSOLE_CONSUMER,
                "--topic",
                "cli-console",
                "--group",
                "cli-console-group",
                "--from-beginning",
                "--max-messages",
                "100",
                "--timeout-ms",
                "60000");
        grouped.assertSuccess();
        assertEquals(
                lines,
                grouped.lines().stream().filter(l -> l.startsWith("line-")).toList());
        assertEquals(
                100,
                admin.listConsumerGroupOffsets("cli-console-group")
                        .partitionsToOffsetAndMetadata()
                        .get()
                        .get(tp)
                        .offset());
    }

    @Test
    void producerPerfTestGetOffsetsDeleteRecordsAndLogDirs() throws Exception {
        admin.createTopics(List.of(new NewTopic("cli-perf", 2, (short) 1)))
                .all()
                .get();
        String perf = KafkaDistribution.run(
                        KafkaDistribution.PRODUCER_PERF,
                        List.of(
                                "--topic",
                                "cli-perf",
                                "--num-records",
                                "50000",
                                "--record-size",
                                "100",
                                "--throughput",
                                "-1",
                                "--producer-props",
                                "bootstrap.servers=" + broker.bootstrap(),
                                "acks=all"),
                        work,
                        TOOL_TIMEOUT)
                .assertSuccess()
                .output();
        assertContains(perf, "50000 records sent");

        String offsets = ok(KafkaDistribution.GET_OFFSETS, "--topic", "cli-perf");
        Map<Integer, Long> ends = parseOffsets(offsets, "cli-perf");
        assertEquals(2, ends.size(), offsets);
        assertEquals(50_000L, ends.values().stream().mapToLong(Long::longValue).sum());

        long cut = Math.min(ends.get(0), 1000);
        Path json = work.resolve("delete-records.json");
        Files.writeString(
                json,
                "{\"partitions\":[{\"topic\":\"cli-perf\",\"partition\":0,\"offset\":" + cut + "}],\"version\":1}");
        String deleted = ok(KafkaDistribution.DELETE_RECORDS, "--offset-json-file", json.toString());
        assertContains(deleted, "partition: cli-perf-0\tlow_watermark: " + cut);
        assertEquals(
                Map.of(0, cut, 1, 0L),
                parseOffsets(
                        ok(KafkaDistribution.GET_OFFSETS, "--topic", "cli-perf", "--time", "earliest"), "cli-perf"));

        String logDirs = ok(KafkaDistribution.LOG_DIRS, "--describe", "--topic-list", "cli-perf");
        assertContains(logDirs, "Received log directory information from brokers 1");
        String logDir =
                broker.dataDir().resolve("log").toAbsolutePath().normalize().toString();
        assertContains(logDirs, "\"logDir\":\"" + logDir + "\"");
        assertTrue(logDirs.contains("\"partition\":\"cli-perf-0\""), logDirs);
        assertTrue(logDirs.contains("\"partition\":\"cli-perf-1\""), logDirs);
        assertFalse(logDirs.contains("cli-console"), "only the listed topic: " + logDirs);
        Matcher sizes = Pattern.compile("\"size\":(\\d+)").matcher(logDirs);
        long total = 0;
        while (sizes.find()) {
            total += Long.parseLong(sizes.group(1));
        }
        assertTrue(total > 50_000L * 100, "the 50,000 records of 100 bytes are on disk: " + logDirs);
    }

    /** kafka-get-offsets prints topic:partition:offset lines. */
    private static Map<Integer, Long> parseOffsets(String output, String topic) {
        return output.lines()
                .filter(l -> l.startsWith(topic + ":"))
                .map(l -> l.split(":"))
                .collect(Collectors.toMap(f -> Integer.parseInt(f[1]), f -> Long.parseLong(f[2])));
    }

    /** Runs a tool with {@code input} as its standard input (the console producer reads only stdin). */
    private static int withStdin(Path input, String mainClass, String... args) {
        StringBuilder command = new StringBuilder();
        command.append(quote(ProjectLayout.javaBinary().toString()))
                .append(" -Xmx256m -XX:+UseParallelGC -Djava.net.preferIPv4Stack=true")
                .append(" -Dlog4j2.configurationFile=")
                .append(quote(
                        KafkaDistribution.log4jConfig(work, "WARN").toUri().toString()))
                .append(" -cp ")
                .append(quote(KafkaDistribution.classPath()))
                .append(' ')
                .append(mainClass);
        for (String arg : args) {
            command.append(' ').append(quote(arg));
        }
        command.append(" < ").append(quote(input.toString()));
        try (ChildProcess process = ChildProcess.start(
                "console-producer",
                List.of("sh", "-c", command.toString()),
                work,
                Map.of(),
                work.resolve("console-producer.log"))) {
            int exit = process.awaitExit(TOOL_TIMEOUT);
            if (exit != 0) {
                throw new AssertionError("console producer exited with " + exit + ":\n" + process.output());
            }
            return exit;
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
