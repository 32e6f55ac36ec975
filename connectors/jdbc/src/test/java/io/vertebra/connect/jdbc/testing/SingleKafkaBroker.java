package io.vertebra.connect.jdbc.testing;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * One real Apache Kafka 4.3 KRaft node (broker and controller) in a child JVM on loopback.
 *
 * <p>Stands in for {@code io.vertebra.testkit.RealKafkaCluster} until that waits for a line the broker prints:
 * it awaits "Kafka Server started", an INFO line, while {@code KafkaDistribution.start} configures log4j at WARN,
 * so it always times out. Here the logger that prints the line is raised to INFO.
 */
public final class SingleKafkaBroker implements AutoCloseable {
    private final ChildProcess process;
    private final int port;

    private SingleKafkaBroker(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static SingleKafkaBroker start(Path dir, String heap) {
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
        p.setProperty("auto.create.topics.enable", "true");
        Path config = dir.resolve("server.properties");
        Path log4j = dir.resolve("log4j2-broker.properties");
        try {
            Files.createDirectories(dir);
            try (var out = Files.newBufferedWriter(config)) {
                p.store(out, "real Apache Kafka node for the JDBC sink tests");
            }
            Files.writeString(
                    log4j,
                    String.join(
                            "\n",
                            "status = error",
                            "appender.console.type = Console",
                            "appender.console.name = STDOUT",
                            "appender.console.target = SYSTEM_ERR",
                            "appender.console.layout.type = PatternLayout",
                            "appender.console.layout.pattern = [%d] %p %m (%c)%n",
                            "rootLogger.level = WARN",
                            "rootLogger.appenderRef.stdout.ref = STDOUT",
                            "logger.started.name = kafka.server.KafkaRaftServer",
                            "logger.started.level = INFO",
                            ""));
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
        ChildProcess process = ChildProcess.startJava(
                "kafka-" + port,
                KafkaDistribution.classPath(),
                List.of(
                        "-Xmx" + heap,
                        "-XX:+UseParallelGC",
                        "-Djava.net.preferIPv4Stack=true",
                        "-Dlog4j2.configurationFile=" + log4j.toUri()),
                KafkaDistribution.BROKER,
                List.of(config.toString()),
                dir,
                dir.resolve("kafka.log"));
        try {
            process.awaitLineContaining("Kafka Server started", Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return new SingleKafkaBroker(process, port);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.close();
    }
}
