package io.vertebra.bench.connect;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** A single real Apache Kafka 4.3 broker in a child JVM; ready when its Admin API answers. */
final class BenchKafka implements AutoCloseable {
    private final ChildProcess process;
    private final int port;

    private BenchKafka(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static BenchKafka start(Path dir) throws IOException, InterruptedException {
        int port = Ports.free();
        int controller = Ports.free();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controller);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("num.partitions", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        Files.createDirectories(dir);
        Path config = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "benchmark broker");
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
                KafkaDistribution.start("kafka", KafkaDistribution.BROKER, List.of(config.toString()), dir, "2g");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + port))) {
            long deadline = System.currentTimeMillis() + 120_000;
            while (true) {
                try {
                    admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
                    break;
                } catch (Exception e) {
                    if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                        process.close();
                        throw new IllegalStateException("Kafka did not start: " + process.output());
                    }
                    Thread.sleep(200);
                }
            }
        }
        return new BenchKafka(process, port);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.close();
    }
}
