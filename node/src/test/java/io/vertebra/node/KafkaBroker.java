package io.vertebra.node;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;

/**
 * A single-node real Apache Kafka 4.3 (KRaft, combined broker + controller) in a child JVM. Like the test kit's
 * RealKafkaCluster, but readiness is awaited through the Admin API: the kit's child JVMs log at WARN, so the
 * "Kafka Server started" line RealKafkaCluster waits for is never printed (reported to the lead).
 */
final class KafkaBroker implements AutoCloseable {
    private final ChildProcess process;
    private final int port;

    private KafkaBroker(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static KafkaBroker start(Path dir) {
        int port = Ports.free();
        int controller = Ports.free();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controller);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "true");
        Path config = dir.resolve("server.properties");
        try {
            Files.createDirectories(dir);
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "real Apache Kafka for Vertebra runtime tests");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaDistribution.run(
                        KafkaDistribution.STORAGE,
                        List.of(
                                "format",
                                "-t",
                                org.apache.kafka.common.Uuid.randomUuid().toString(),
                                "-c",
                                config.toString()),
                        dir,
                        Duration.ofSeconds(120))
                .assertSuccess();
        ChildProcess process = KafkaDistribution.start(
                "kafka-" + port, KafkaDistribution.BROKER, List.of(config.toString()), dir, "768m");
        KafkaBroker broker = new KafkaBroker(process, port);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Awaitility.await("Kafka broker on port " + port + " answers")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Kafka exited: " + process.output());
                        }
                        return admin.describeCluster()
                                        .nodes()
                                        .get(2, TimeUnit.SECONDS)
                                        .size()
                                == 1;
                    });
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.close();
    }
}
