package io.vertebra.runtime.it;

import io.vertebra.testkit.RealKafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One real Apache Kafka 4.3 broker for all integration tests of this module (they run in one JVM): starting a
 * broker takes seconds, so the test classes share it and isolate themselves with their own group ids and topics.
 */
final class SharedKafka {
    private static RealKafkaCluster cluster;
    private static Path dir;

    private SharedKafka() {}

    static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                dir = Files.createTempDirectory("vertebra-runtime-kafka-");
                cluster = RealKafkaCluster.start(dir, 1, "768m", Map.of());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                cluster.close();
                try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                } catch (IOException | RuntimeException e) {
                    // best effort: a temporary directory
                }
            }));
        }
        return cluster.bootstrapServers();
    }
}
