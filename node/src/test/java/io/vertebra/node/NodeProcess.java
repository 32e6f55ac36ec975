package io.vertebra.node;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A Vertebra node started the way a user starts it ({@code java -jar vertebra.jar start ...}) in a child JVM. */
final class NodeProcess implements AutoCloseable {
    final Path dataDir;
    final int kafkaPort;
    final int restPort;
    final ChildProcess process;

    private NodeProcess(Path dataDir, int kafkaPort, int restPort, ChildProcess process) {
        this.dataDir = dataDir;
        this.kafkaPort = kafkaPort;
        this.restPort = restPort;
        this.process = process;
    }

    static Path jar() {
        return ProjectLayout.root().resolve("node/target/vertebra.jar");
    }

    static NodeProcess start(Path dataDir, int kafkaPort, int restPort, String... extraArgs) {
        List<String> command = new ArrayList<>(List.of(
                ProjectLayout.javaBinary().toString(),
                "-Xmx384m",
                "-XX:+UseParallelGC",
                "-jar",
                jar().toString(),
                "start",
                "--data-dir",
                dataDir.toString(),
                "--kafka-port",
                Integer.toString(kafkaPort),
                "--rest-port",
                Integer.toString(restPort)));
        command.addAll(List.of(extraArgs));
        ChildProcess process = ChildProcess.start(
                "node-" + kafkaPort,
                command,
                null,
                java.util.Map.of(),
                dataDir.resolveSibling(dataDir.getFileName() + "-node-" + System.nanoTime() + ".log"));
        return new NodeProcess(dataDir, kafkaPort, restPort, process);
    }

    static NodeProcess startReady(Path dataDir) {
        NodeProcess node = start(dataDir, Ports.free(), Ports.free());
        node.awaitReady();
        return node;
    }

    String awaitReady() {
        return process.awaitLineContaining("vertebra ready", Duration.ofSeconds(90));
    }

    String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    @Override
    public void close() {
        process.close();
    }
}
