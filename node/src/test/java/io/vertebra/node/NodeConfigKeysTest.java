package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.testkit.ProjectLayout;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node config key that nothing reads is refused before the node touches its data directory. */
class NodeConfigKeysTest {
    @TempDir
    Path dataDir;

    @Test
    void aMisspelledBrokerKeyIsRefusedWithTheKeyItWasMeantToBe() {
        Map<String, String> values = new HashMap<>();
        values.put("data.dir", dataDir.toString());
        values.put("log.retention.hour", "24");
        ConfigException e = assertThrows(ConfigException.class, () -> Node.start(new NodeConfig(values)));
        assertTrue(
                e.getMessage().contains("'log.retention.hour' (did you mean 'log.retention.hours'?)"), e.getMessage());
        assertEquals(0, dataDir.toFile().list().length, "refused before taking the data directory's lock");
    }

    @Test
    void everyUnknownKeyIsNamedAtOnce() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> Node.rejectUnknownKeys(new NodeConfig(Map.of("offset.storage.topik", "x", "zzz.qqq", "1"))));
        assertTrue(e.getMessage().startsWith("Unknown node config keys "), e.getMessage());
        assertTrue(
                e.getMessage().contains("'offset.storage.topik' (did you mean 'offset.storage.topic'?)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("'zzz.qqq'"), e.getMessage());
        assertTrue(!e.getMessage().contains("'zzz.qqq' (did you mean"), e.getMessage());
    }

    @Test
    void nodeBrokerWorkerAndPrefixedClientKeysAreAccepted() {
        assertDoesNotThrow(() -> Node.rejectUnknownKeys(new NodeConfig(Map.of(
                "node.id", "2",
                "log.retention.ms", "1000",
                "offset.flush.interval.ms", "500",
                "producer.linger.ms", "5",
                "consumer.max.poll.records", "100",
                "config.providers", "file"))));
    }

    @Test
    void theDockerNodeConfigsUseOnlyKnownKeys() {
        for (String file : new String[] {"docker/config/node.yaml", "docker/config/single-node.yaml"}) {
            Map<String, String> values = NodeConfig.read(ProjectLayout.root().resolve(file));
            assertDoesNotThrow(() -> Node.rejectUnknownKeys(new NodeConfig(values)), file);
        }
    }
}
