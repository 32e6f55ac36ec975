package io.vertebra.runtime.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One real Apache Kafka 4.3 broker for all integration tests of this module (they run in one JVM): starting a
 * broker takes seconds, so the test classes share it and isolate themselves with their own group ids and topics.
 */
final class SharedKafka {
    private static KafkaBroker cluster;

    private SharedKafka() {}

    static synchronized String bootstrapServers() {
        if (cluster == null) {
            try {
                Path dir = Files.createTempDirectory("vertebra-runtime-kafka-");
                cluster = KafkaBroker.start(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        }
        return cluster.bootstrapServers();
    }
}
