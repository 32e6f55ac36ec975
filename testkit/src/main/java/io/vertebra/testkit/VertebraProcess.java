package io.vertebra.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Vertebra node started the way a user starts it ({@code java -jar node/target/vertebra.jar start ...}) in a
 * child JVM, for tests and benchmarks that need a real process to kill, freeze or restart.
 */
public final class VertebraProcess implements AutoCloseable {
    private final Path dataDir;
    private final int kafkaPort;
    private final int restPort;
    private final ChildProcess process;

    private VertebraProcess(Path dataDir, int kafkaPort, int restPort, ChildProcess process) {
        this.dataDir = dataDir;
        this.kafkaPort = kafkaPort;
        this.restPort = restPort;
        this.process = process;
    }

    /** The node jar the build produces (with its {@code lib/} next to it). */
    public static Path jar() {
        return ProjectLayout.root().resolve("node/target/vertebra.jar");
    }

    /** Starts {@code vertebra start} on {@code dataDir} with the given ports, heap, JVM options and extra flags. */
    public static VertebraProcess start(
            Path dataDir, int kafkaPort, int restPort, String heap, List<String> jvmOptions, List<String> extraArgs) {
        return start(dataDir, kafkaPort, restPort, heap, jvmOptions, extraArgs, Map.of());
    }

    /** As above, with extra environment variables for the node's JVM. */
    public static VertebraProcess start(
            Path dataDir,
            int kafkaPort,
            int restPort,
            String heap,
            List<String> jvmOptions,
            List<String> extraArgs,
            Map<String, String> env) {
        return start(null, dataDir, kafkaPort, restPort, heap, jvmOptions, extraArgs, env);
    }

    /**
     * As above, in the working directory {@code workDir} (null: this process's), against which the node and its
     * connectors resolve relative paths.
     */
    public static VertebraProcess start(
            Path workDir,
            Path dataDir,
            int kafkaPort,
            int restPort,
            String heap,
            List<String> jvmOptions,
            List<String> extraArgs,
            Map<String, String> env) {
        List<String> command = new ArrayList<>();
        command.add(ProjectLayout.javaBinary().toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseParallelGC");
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                jar().toString(),
                "start",
                "--data-dir",
                dataDir.toString(),
                "--kafka-port",
                Integer.toString(kafkaPort),
                "--rest-port",
                Integer.toString(restPort)));
        command.addAll(extraArgs);
        ChildProcess process = ChildProcess.start(
                "node-" + kafkaPort,
                command,
                workDir,
                env,
                dataDir.resolveSibling(dataDir.getFileName() + "-node-" + System.nanoTime() + ".log"));
        return new VertebraProcess(dataDir, kafkaPort, restPort, process);
    }

    public static VertebraProcess start(Path dataDir, int kafkaPort, int restPort, String... extraArgs) {
        return start(dataDir, kafkaPort, restPort, "384m", List.of(), List.of(extraArgs));
    }

    /** Waits for the node's "vertebra ready" line and returns it. */
    public String awaitReady() {
        return process.awaitLineContaining("vertebra ready", Duration.ofSeconds(120));
    }

    public Path dataDir() {
        return dataDir;
    }

    public int kafkaPort() {
        return kafkaPort;
    }

    public int restPort() {
        return restPort;
    }

    public ChildProcess process() {
        return process;
    }

    public String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    @Override
    public void close() {
        process.close();
    }
}
