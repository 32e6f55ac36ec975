package io.vertebra.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster of Vertebra nodes, each a separate process started as a user would
 * ({@code vertebra start --node-id N --cluster ...}), so tests and benchmarks can SIGKILL, SIGSTOP, restart and
 * add nodes. Nodes run broker-only ({@code worker.enabled: false}) unless the settings say otherwise.
 */
public final class VertebraCluster implements AutoCloseable {
    private final Path dir;
    private final int capacity;
    private final int[] kafkaPorts;
    private final int[] restPorts;
    private final int[] raftPorts;
    private final VertebraProcess[] nodes;
    private final Map<String, String> settings;
    private final String heap;
    private int running;

    private VertebraCluster(Path dir, int size, int capacity, String heap, Map<String, String> settings) {
        this.dir = dir;
        this.capacity = capacity;
        this.running = size;
        this.heap = heap;
        this.settings = settings;
        kafkaPorts = new int[capacity];
        restPorts = new int[capacity];
        raftPorts = new int[capacity];
        nodes = new VertebraProcess[capacity];
        for (int i = 0; i < capacity; i++) {
            kafkaPorts[i] = Ports.free();
            restPorts[i] = Ports.free();
            raftPorts[i] = Ports.free();
        }
    }

    /**
     * Starts {@code size} nodes at once (they may come up in any order) and waits until all are ready;
     * {@code capacity} reserves ports for nodes added later with {@link #addNode}.
     */
    public static VertebraCluster start(Path dir, int size, int capacity, String heap, Map<String, String> settings) {
        VertebraCluster cluster = new VertebraCluster(dir, size, capacity, heap, settings);
        try {
            for (int id = 1; id <= size; id++) {
                cluster.launch(id);
            }
            for (int id = 1; id <= size; id++) {
                cluster.node(id).awaitReady();
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public static VertebraCluster start(Path dir, int size, Map<String, String> settings) {
        return start(dir, size, size, "384m", settings);
    }

    /** The controller list of the nodes started so far (a joining node lists itself too). */
    public String quorum() {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < running; i++) {
            entries.add((i + 1) + "@127.0.0.1:" + raftPorts[i]);
        }
        return String.join(",", entries);
    }

    /** Starts node {@code id} on its data directory (first start or restart); does not wait for it. */
    public VertebraProcess launch(int id) {
        Path nodeDir = dir.resolve("node-" + id);
        Path config = nodeDir.resolve("node.yaml");
        try {
            Files.createDirectories(nodeDir);
            StringBuilder yaml = new StringBuilder();
            if (!settings.containsKey("worker.enabled")) {
                yaml.append("worker.enabled: false\n");
            }
            settings.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
            Files.writeString(config, yaml.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        VertebraProcess node = VertebraProcess.start(
                nodeDir.resolve("data"),
                kafkaPorts[id - 1],
                restPorts[id - 1],
                heap,
                List.of(),
                List.of("--node-id", Integer.toString(id), "--cluster", quorum(), "--config", config.toString()));
        nodes[id - 1] = node;
        return node;
    }

    /** Starts one more node with the cluster list plus itself: it joins the running cluster. */
    public int addNode() {
        if (running == capacity) {
            throw new IllegalStateException("no ports reserved for another node (capacity " + capacity + ")");
        }
        running++;
        launch(running).awaitReady();
        return running;
    }

    public VertebraProcess node(int id) {
        return nodes[id - 1];
    }

    public int size() {
        return running;
    }

    /** The node id listening on {@code kafkaPort}, or -1. */
    public int idOfKafkaPort(int kafkaPort) {
        for (int i = 0; i < running; i++) {
            if (kafkaPorts[i] == kafkaPort) {
                return i + 1;
            }
        }
        return -1;
    }

    public String bootstrap() {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < running; i++) {
            servers.add("127.0.0.1:" + kafkaPorts[i]);
        }
        return String.join(",", servers);
    }

    /** Stops (if still running) and starts node {@code id} again on the same data directory; waits for it. */
    public void restart(int id) {
        VertebraProcess old = nodes[id - 1];
        if (old != null) {
            old.close();
        }
        launch(id).awaitReady();
    }

    @Override
    public void close() {
        for (VertebraProcess node : nodes) {
            if (node != null && node.process().isAlive()) {
                node.process().signal("CONT");
                try {
                    node.process().terminate(Duration.ofSeconds(20));
                } catch (RuntimeException e) {
                    // killed below
                }
            }
            if (node != null) {
                node.close();
            }
        }
    }
}
