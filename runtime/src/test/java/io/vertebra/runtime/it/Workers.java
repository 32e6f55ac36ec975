package io.vertebra.runtime.it;

import io.vertebra.testkit.KafkaDistribution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Worker settings and plugin directories for tests: unique group and internal topics per worker cluster. */
final class Workers {
    private Workers() {}

    static Map<String, String> config(String bootstrap, String cluster, Path pluginPath) {
        Map<String, String> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", cluster);
        c.put("config.storage.topic", cluster + "-configs");
        c.put("offset.storage.topic", cluster + "-offsets");
        c.put("status.storage.topic", cluster + "-status");
        c.put("offset.storage.partitions", "3");
        c.put("status.storage.partitions", "2");
        c.put("plugin.path", pluginPath.toString());
        c.put("plugin.scan.interval.ms", "500");
        c.put("rest.port", "0");
        c.put("offset.flush.interval.ms", "1000");
        c.put("session.timeout.ms", "6000");
        c.put("heartbeat.interval.ms", "1000");
        return c;
    }

    static String uniqueCluster(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A plugin path holding Apache Kafka's connect-file 4.3 jar, as a directory plugin. */
    static Path pluginPathWithConnectFile(Path dir) {
        try {
            Path plugins = Files.createDirectories(dir.resolve("plugins"));
            installConnectFile(plugins);
            return plugins;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void installConnectFile(Path pluginPath) throws IOException {
        Path jar = KafkaDistribution.jar("connect-file");
        Path target = Files.createDirectories(pluginPath.resolve("kafka-connect-file"));
        Files.copy(jar, target.resolve(jar.getFileName()));
    }
}
