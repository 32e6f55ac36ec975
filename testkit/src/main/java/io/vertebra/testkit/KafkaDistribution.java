package io.vertebra.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The real Apache Kafka (broker, Connect worker, CLI tools) from Maven Central, run as separate JVMs. The class
 * path comes from {@code testkit/kafka-dist/target/classpath.txt}, written by the build of that module.
 */
public final class KafkaDistribution {
    public static final String TOPICS = "org.apache.kafka.tools.TopicCommand";
    public static final String CONSOLE_PRODUCER = "org.apache.kafka.tools.ConsoleProducer";
    public static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";
    public static final String CONSUMER_GROUPS = "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand";
    public static final String GET_OFFSETS = "org.apache.kafka.tools.GetOffsetShell";
    public static final String PRODUCER_PERF = "org.apache.kafka.tools.ProducerPerformance";
    public static final String CONSUMER_PERF = "org.apache.kafka.tools.ConsumerPerformance";
    public static final String END_TO_END_LATENCY = "org.apache.kafka.tools.EndToEndLatency";
    public static final String CONFIGS = "kafka.admin.ConfigCommand";
    public static final String DELETE_RECORDS = "org.apache.kafka.tools.DeleteRecordsCommand";
    public static final String LOG_DIRS = "org.apache.kafka.tools.LogDirsCommand";
    public static final String REASSIGN_PARTITIONS = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
    public static final String LEADER_ELECTION = "org.apache.kafka.tools.LeaderElectionCommand";
    public static final String STORAGE = "kafka.tools.StorageTool";
    public static final String BROKER = "kafka.Kafka";
    public static final String CONNECT_DISTRIBUTED = "org.apache.kafka.connect.cli.ConnectDistributed";

    private KafkaDistribution() {}

    public static String classPath() {
        Path file = ProjectLayout.root().resolve("testkit/kafka-dist/target/classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build the module testkit/kafka-dist first"
                    + " (./mvnw -pl testkit/kafka-dist package)");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jar of one Kafka artifact from the distribution, e.g. {@code connect-file}. */
    public static Path jar(String artifactId) {
        for (String entry : classPath().split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            String name = path.getFileName().toString();
            if (name.startsWith(artifactId + "-") && Character.isDigit(name.charAt(artifactId.length() + 1))) {
                return path;
            }
        }
        throw new IllegalStateException("no " + artifactId + " jar in the Kafka distribution class path");
    }

    /**
     * A log4j2 configuration for child JVMs: everything at {@code level} to the console, except the broker's
     * start-up announcement ("Kafka Server started"), which is always printed so callers can await it.
     */
    public static Path log4jConfig(Path dir, String level) {
        Path file = dir.resolve("log4j2-" + level.toLowerCase() + ".properties");
        try {
            Files.createDirectories(dir);
            Files.writeString(
                    file,
                    String.join(
                            "\n",
                            "status = error",
                            "appender.console.type = Console",
                            "appender.console.name = STDOUT",
                            "appender.console.target = SYSTEM_ERR",
                            "appender.console.layout.type = PatternLayout",
                            "appender.console.layout.pattern = [%d] %p %m (%c)%n",
                            "rootLogger.level = " + level,
                            "rootLogger.appenderRef.stdout.ref = STDOUT",
                            "logger.started.name = kafka.server.KafkaRaftServer",
                            "logger.started.level = INFO",
                            ""));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a Kafka main class as a separate JVM. */
    public static ChildProcess start(String name, String mainClass, List<String> args, Path workDir, String heap) {
        return start(name, mainClass, args, workDir, heap, List.of("-XX:+UseParallelGC"));
    }

    /** Starts a Kafka main class as a separate JVM with the given extra JVM options. */
    public static ChildProcess start(
            String name, String mainClass, List<String> args, Path workDir, String heap, List<String> jvmOptions) {
        List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + heap);
        jvm.addAll(jvmOptions);
        jvm.add("-Djava.net.preferIPv4Stack=true");
        jvm.add("-Dlog4j2.configurationFile=" + log4jConfig(workDir, "WARN").toUri());
        return ChildProcess.startJava(name, classPath(), jvm, mainClass, args, workDir, workDir.resolve(name + ".log"));
    }

    /** Runs a Kafka CLI tool to completion (it must exit within {@code timeout}). */
    public static ToolResult run(String mainClass, List<String> args, Path workDir, Duration timeout) {
        // Short-lived tools: the C1 compiler and the serial collector start faster and burn less CPU.
        return run(mainClass, args, workDir, timeout, "256m", List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    }

    /** Runs a tool with a given heap and JVM options (benchmarks run the perf tools fully optimised). */
    public static ToolResult run(
            String mainClass, List<String> args, Path workDir, Duration timeout, String heap, List<String> jvmOptions) {
        String name = mainClass.substring(mainClass.lastIndexOf('.') + 1) + "-" + System.nanoTime();
        try (ChildProcess tool = start(name, mainClass, args, workDir, heap, jvmOptions)) {
            int exit = tool.awaitExit(timeout);
            return new ToolResult(exit, tool.lines());
        }
    }

    /** What a CLI tool printed (stdout and stderr merged) and its exit code. */
    public record ToolResult(int exitCode, List<String> lines) {
        public String output() {
            return String.join("\n", lines);
        }

        public ToolResult assertSuccess() {
            if (exitCode != 0) {
                throw new AssertionError("tool exited with " + exitCode + ":\n" + output());
            }
            return this;
        }
    }
}
