package io.vertebra.bench.broker;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Vertebra node as a child JVM, started the way a user starts it, with an explicit heap. */
public final class VertebraNode implements AutoCloseable {
    private final ChildProcess process;
    private final int kafkaPort;

    private VertebraNode(ChildProcess process, int kafkaPort) {
        this.process = process;
        this.kafkaPort = kafkaPort;
    }

    public static VertebraNode start(Path dataDir, String heap, List<String> extraArgs, List<String> jvmOptions) {
        int kafkaPort = Ports.free();
        List<String> command = new ArrayList<>();
        command.add(ProjectLayout.javaBinary().toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+UseParallelGC");
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-jar",
                ProjectLayout.root().resolve("node/target/vertebra.jar").toString(),
                "start",
                "--data-dir",
                dataDir.toString(),
                "--kafka-port",
                Integer.toString(kafkaPort),
                "--rest-port",
                Integer.toString(Ports.free())));
        command.addAll(extraArgs);
        ChildProcess process =
                ChildProcess.start("vertebra", command, null, Map.of(), dataDir.resolveSibling("vertebra-node.log"));
        process.awaitLineContaining("vertebra ready", Duration.ofSeconds(120));
        return new VertebraNode(process, kafkaPort);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.terminate(Duration.ofSeconds(30));
        process.close();
    }
}
