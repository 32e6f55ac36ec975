package io.vertebra.connect.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.file.sink.FileSinkConnector;
import io.vertebra.connect.file.source.FileSourceConnector;
import java.util.List;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;

/** Connect finds the connectors through ServiceLoader manifests, and shows their versions and documented settings. */
class PluginManifestTest {
    @Test
    void bothConnectorsAreRegisteredForServiceLoaderDiscovery() {
        List<String> sources = ServiceLoader.load(SourceConnector.class).stream()
                .map(p -> p.type().getName())
                .toList();
        List<String> sinks = ServiceLoader.load(SinkConnector.class).stream()
                .map(p -> p.type().getName())
                .toList();
        assertEquals(List.of(FileSourceConnector.class.getName()), sources);
        assertEquals(List.of(FileSinkConnector.class.getName()), sinks);
    }

    @Test
    void reportsTheBuildVersion() {
        String version = new FileSourceConnector().version();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
        assertEquals(version, new FileSinkConnector().version());
    }

    @Test
    void everySettingIsDocumented() {
        for (ConfigDef definition : List.of(new FileSourceConnector().config(), new FileSinkConnector().config())) {
            definition.configKeys().values().forEach(key -> {
                assertFalse(key.documentation == null || key.documentation.isBlank(), key.name);
                assertTrue(key.group != null && key.displayName != null, key.name);
            });
        }
    }
}
