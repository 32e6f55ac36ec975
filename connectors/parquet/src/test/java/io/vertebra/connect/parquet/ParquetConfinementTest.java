package io.vertebra.connect.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.confine.AllowedDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Parquet sink on the worker's disk stays inside the directories the worker allows: a file: store outside, a
 * topics.dir climbing out, a hadoop.conf.dir outside, other local schemes and FileSystem class overrides are refused
 * at validation and at start, naming the key; remote stores and a store inside work.
 */
class ParquetConfinementTest {
    @TempDir
    Path dir;

    private Path allowed;
    private Path outside;
    private String before;

    @BeforeEach
    void confine() throws Exception {
        allowed = Files.createDirectories(dir.resolve("allowed"));
        outside = Files.createDirectories(dir.resolve("outside"));
        before = System.getProperty(AllowedDirs.PROPERTY);
        System.setProperty(AllowedDirs.PROPERTY, allowed.toString());
    }

    @AfterEach
    void release() {
        if (before == null) {
            System.clearProperty(AllowedDirs.PROPERTY);
        } else {
            System.setProperty(AllowedDirs.PROPERTY, before);
        }
    }

    private static Map<String, List<String>> errors(Map<String, String> config) {
        return new ParquetSinkConnector()
                .validate(config).configValues().stream()
                        .filter(v -> !v.errorMessages().isEmpty())
                        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    private static Map<String, String> config(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    @Test
    void locationsOnTheWorkersDiskOutsideAreRefusedNamingTheKey() throws Exception {
        Path link = Files.createSymbolicLink(allowed.resolve("lake-link"), outside);
        Map<Map<String, String>, String> refused = Map.of(
                config("store.url", "file:///etc"), "store.url",
                config("store.url", outside.toUri().toString()), "store.url",
                config("store.url", link.toUri().toString()), "store.url",
                config("store.url", allowed.toUri().toString(), "topics.dir", "../outside"), "topics.dir",
                config("store.url", allowed.toUri().toString(), "topics.dir", "/etc"), "topics.dir",
                config("store.url", allowed.toUri().toString(), "hadoop.conf.dir", "/etc/hadoop"), "hadoop.conf.dir",
                config("store.url", "har:///etc/x.har"), "store.url",
                config("store.url", "hdfs://nn:8020/lake", "fs.hdfs.impl", "org.apache.hadoop.fs.RawLocalFileSystem"),
                        "fs.hdfs.impl");
        refused.forEach((config, key) -> {
            Map<String, List<String>> errors = errors(config);
            assertEquals(Set.of(key), errors.keySet(), config + ": " + errors);
            String message = errors.get(key).get(0);
            assertTrue(message.contains(config.get(key)), message);
            ConfigException atStart =
                    assertThrows(ConfigException.class, () -> new ParquetSinkConnector().start(config));
            assertTrue(atStart.getMessage().contains(key), atStart.getMessage());
            ParquetSinkTask task = new ParquetSinkTask();
            task.initialize(new RecordingContext());
            assertThrows(ConfigException.class, () -> task.start(config), "the task refuses before opening the store");
        });
        try (var files = Files.list(outside)) {
            assertEquals(List.of(), files.toList(), "nothing written outside");
        }
    }

    @Test
    void remoteStoresAndALakeInsideAreAllowed() {
        assertEquals(Map.of(), errors(config("store.url", "s3a://bucket/prefix")));
        assertEquals(Map.of(), errors(config("store.url", "hdfs://nn:8020/lake")));
        Map<String, String> inside = config("store.url", allowed.toUri().toString(), "flush.size", "10");
        assertEquals(Map.of(), errors(inside));
        ParquetSinkTask task = new ParquetSinkTask();
        task.initialize(new RecordingContext());
        task.start(inside);
        try {
            TopicPartition tp = new TopicPartition("orders", 0);
            task.open(Set.of(tp));
            task.put(TestRecords.orders("orders", 0, 0, 10));
            assertEquals(10, LakeContents.readLocal(allowed).ids().size());
        } finally {
            task.stop();
        }
    }
}
