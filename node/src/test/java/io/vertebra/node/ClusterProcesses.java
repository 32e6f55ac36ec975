package io.vertebra.node;

import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A cluster of Vertebra nodes, each a separate process started as a user would
 * ({@code vertebra start --node-id N --cluster ...}), so tests can SIGKILL, SIGSTOP and restart them.
 */
final class ClusterProcesses implements AutoCloseable {
    private final Path dir;
    private final int size;
    private int running;
    private final int[] kafkaPorts;
    private final int[] restPorts;
    private final int[] raftPorts;
    private final NodeProcess[] nodes;
    private final Map<String, String> settings;

    ClusterProcesses(Path dir, int size, Map<String, String> settings) {
        this(dir, size, size, settings);
    }

    /** {@code capacity}: how many nodes the cluster may grow to (ports are reserved for all of them). */
    ClusterProcesses(Path dir, int size, int capacity, Map<String, String> settings) {
        this.dir = dir;
        this.size = capacity;
        this.running = size;
        this.settings = settings;
        kafkaPorts = new int[capacity];
        restPorts = new int[capacity];
        raftPorts = new int[capacity];
        nodes = new NodeProcess[capacity];
        for (int i = 0; i < capacity; i++) {
            kafkaPorts[i] = Ports.free();
            restPorts[i] = Ports.free();
            raftPorts[i] = Ports.free();
        }
    }

    /** Starts every node at once (in any order they come up) and waits for all of them to be ready. */
    static ClusterProcesses start(Path dir, int size, Map<String, String> settings) {
        return start(dir, size, size, settings);
    }

    static ClusterProcesses start(Path dir, int size, int capacity, Map<String, String> settings) {
        ClusterProcesses cluster = new ClusterProcesses(dir, size, capacity, settings);
        for (int id = 1; id <= size; id++) {
            cluster.launch(id);
        }
        for (int id = 1; id <= size; id++) {
            cluster.node(id).awaitReady();
        }
        return cluster;
    }

    /** The controller list of the nodes started so far (a joining node lists itself too). */
    String quorum() {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < running; i++) {
            entries.add((i + 1) + "@127.0.0.1:" + raftPorts[i]);
        }
        return String.join(",", entries);
    }

    /** Starts node {@code id} on its data directory (first start or restart). */
    NodeProcess launch(int id) {
        Path nodeDir = dir.resolve("node-" + id);
        Path config = nodeDir.resolve("node.yaml");
        try {
            Files.createDirectories(nodeDir);
            StringBuilder yaml = new StringBuilder("worker.enabled: false\n");
            settings.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
            Files.writeString(config, yaml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        NodeProcess node = NodeProcess.start(
                nodeDir.resolve("data"),
                kafkaPorts[id - 1],
                restPorts[id - 1],
                "--node-id",
                Integer.toString(id),
                "--cluster",
                quorum(),
                "--config",
                config.toString());
        nodes[id - 1] = node;
        return node;
    }

    /** Starts one more node with the cluster list plus itself: it joins the running cluster. */
    int addNode() {
        if (running == size) {
            throw new IllegalStateException("no ports reserved for another node (capacity " + size + ")");
        }
        running++;
        launch(running).awaitReady();
        return running;
    }

    NodeProcess node(int id) {
        return nodes[id - 1];
    }

    String bootstrap() {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < running; i++) {
            servers.add("127.0.0.1:" + kafkaPorts[i]);
        }
        return servers.stream().collect(Collectors.joining(","));
    }

    int idOfKafkaPort(int port) {
        for (int i = 0; i < size; i++) {
            if (kafkaPorts[i] == port) {
                return i + 1;
            }
        }
        return -1;
    }

    void restart(int id) {
        NodeProcess old = nodes[id - 1];
        if (old != null) {
            old.close();
        }
        launch(id).awaitReady();
    }

    @Override
    public void close() {
        for (NodeProcess node : nodes) {
            if (node != null && node.process.isAlive()) {
                node.process.signal("CONT");
                node.process.terminate(Duration.ofSeconds(20));
            }
            if (node != null) {
                node.close();
            }
        }
    }
}
