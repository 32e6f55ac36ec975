package io.vertebra.node;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.VertebraProcess;
import java.nio.file.Path;

/** A Vertebra node in a child JVM (the test kit's {@link VertebraProcess}), with the field names tests use. */
final class NodeProcess implements AutoCloseable {
    final Path dataDir;
    final int kafkaPort;
    final int restPort;
    final ChildProcess process;
    private final VertebraProcess node;

    NodeProcess(VertebraProcess node) {
        this.node = node;
        this.dataDir = node.dataDir();
        this.kafkaPort = node.kafkaPort();
        this.restPort = node.restPort();
        this.process = node.process();
    }

    static Path jar() {
        return VertebraProcess.jar();
    }

    static NodeProcess start(Path dataDir, int kafkaPort, int restPort, String... extraArgs) {
        return new NodeProcess(VertebraProcess.start(dataDir, kafkaPort, restPort, extraArgs));
    }

    static NodeProcess startReady(Path dataDir) {
        NodeProcess node = start(dataDir, Ports.free(), Ports.free());
        node.awaitReady();
        return node;
    }

    String awaitReady() {
        return node.awaitReady();
    }

    String bootstrap() {
        return node.bootstrap();
    }

    @Override
    public void close() {
        node.close();
    }
}
