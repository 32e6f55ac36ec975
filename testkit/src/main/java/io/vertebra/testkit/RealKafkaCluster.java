package io.vertebra.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A real Apache Kafka KRaft cluster (each node a combined broker and controller) in child JVMs on loopback, for
 * compatibility tests and side-by-side benchmarks; with {@code size} 1, the single real Kafka broker of connector,
 * runtime and node tests. {@link #start} returns once every node has announced "Kafka Server started", which a
 * broker prints only after it has joined the cluster (unfenced), so clients can use it at once. If the test JVM
 * exits without closing the cluster (say, out of memory), a shutdown hook stops its nodes.
 */
public final class RealKafkaCluster implements AutoCloseable {
    private final Path dir;
    private final List<Integer> brokerPorts = new ArrayList<>();
    private final List<Integer> controllerPorts = new ArrayList<>();
    private final List<ChildProcess> nodes = new ArrayList<>();
    private final List<Path> configs = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::close, "stop-real-kafka");

    private RealKafkaCluster(Path dir) {
        this.dir = dir;
    }

    /** Formats and starts {@code size} nodes; returns when every broker has started. */
    public static RealKafkaCluster start(Path dir, int size, String heap, Map<String, String> extraConfig) {
        RealKafkaCluster cluster = new RealKafkaCluster(dir);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.format(size, extraConfig);
            for (int i = 0; i < size; i++) {
                cluster.nodes.add(cluster.startNode(i, heap));
            }
            for (ChildProcess node : cluster.nodes) {
                node.awaitLineContaining("Kafka Server started", Duration.ofSeconds(120));
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public static RealKafkaCluster start(Path dir) {
        return start(dir, 1, "512m", Map.of());
    }

    private void format(int size, Map<String, String> extraConfig) {
        for (int i = 0; i < size; i++) {
            brokerPorts.add(Ports.free());
            controllerPorts.add(Ports.free());
        }
        String voters = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts.get(i))
                .collect(Collectors.joining(","));
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        short rf = (short) Math.min(3, size);
        for (int i = 0; i < size; i++) {
            Path nodeDir = dir.resolve("kafka-" + (i + 1));
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", Integer.toString(i + 1));
            p.setProperty("controller.quorum.voters", voters);
            p.setProperty(
                    "listeners",
                    "PLAINTEXT://127.0.0.1:" + brokerPorts.get(i) + ",CONTROLLER://127.0.0.1:"
                            + controllerPorts.get(i));
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(i));
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("log.dirs", nodeDir.resolve("data").toString());
            p.setProperty("num.partitions", "1");
            p.setProperty("offsets.topic.replication.factor", Short.toString(rf));
            p.setProperty("transaction.state.log.replication.factor", Short.toString(rf));
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            p.setProperty("auto.create.topics.enable", "true");
            extraConfig.forEach(p::setProperty);
            Path config = nodeDir.resolve("server.properties");
            try {
                Files.createDirectories(nodeDir);
                try (var out = Files.newBufferedWriter(config)) {
                    p.store(out, "real Apache Kafka node for Vertebra tests");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            configs.add(config);
            KafkaDistribution.run(
                            KafkaDistribution.STORAGE,
                            List.of("format", "-t", clusterId, "-c", config.toString()),
                            nodeDir,
                            Duration.ofSeconds(120))
                    .assertSuccess();
        }
    }

    private ChildProcess startNode(int index, String heap) {
        Path nodeDir = configs.get(index).getParent();
        return KafkaDistribution.start(
                "kafka-" + (index + 1) + "-" + UUID.randomUUID().toString().substring(0, 6),
                KafkaDistribution.BROKER,
                List.of(configs.get(index).toString()),
                nodeDir,
                heap);
    }

    public String bootstrapServers() {
        return brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public List<ChildProcess> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException exitingOrNotRegistered) {
            // the JVM is exiting (this is the hook), or the hook is gone already
        }
        for (ChildProcess node : nodes) {
            node.close();
        }
    }
}
