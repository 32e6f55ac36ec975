package io.vertebra.connect.parquet;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.awaitility.Awaitility;

/**
 * One real Apache Kafka 4.3 KRaft node (broker and controller) in a child JVM on loopback, ready once its Admin
 * API answers. Stands in for {@code io.vertebra.testkit.RealKafkaCluster}, which awaits the INFO line "Kafka
 * Server started" while the kit starts child JVMs with log4j at WARN, so it never sees it.
 */
final class KafkaBroker implements AutoCloseable {
    private final ChildProcess process;
    private final String bootstrapServers;

    private KafkaBroker(ChildProcess process, String bootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    static KafkaBroker start(Path dir) {
        int port = Ports.free();
        int controllerPort = Ports.free();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
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
        Path config = dir.resolve("server.properties");
        try {
            Files.createDirectories(dir);
            try (Writer out = Files.newBufferedWriter(config)) {
                p.store(out, "real Apache Kafka node for the Parquet sink tests");
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
        ChildProcess process =
                KafkaDistribution.start("kafka", KafkaDistribution.BROKER, List.of(config.toString()), dir, "512m");
        String bootstrap = "127.0.0.1:" + port;
        KafkaBroker broker = new KafkaBroker(process, bootstrap);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", "5000"))) {
            Awaitility.await("the Kafka broker answers")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Kafka exited:\n" + process.output());
                        }
                        return admin.describeCluster().nodes().get().size() == 1;
                    });
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        process.close();
    }
}
