package io.vertebra.connect.file.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class FileSinkConfigTest {
    @Test
    void reportsEveryProblemAtOnce() {
        String message = assertThrows(
                        ConfigException.class,
                        () -> new FileSinkConfig(Map.of(
                                "file.path", "/out/${date}.log",
                                "format", "avro",
                                "roll.size.bytes", "-1",
                                "fsync", "maybe")))
                .getMessage();
        assertTrue(message.startsWith("4 invalid settings for the file sink:"), message);
        assertTrue(
                message.contains("Invalid value /out/${date}.log for configuration file.path: has ${date}; the"
                        + " placeholders are ${topic} and ${partition}"),
                message);
        assertTrue(message.contains("Invalid value avro for configuration format: must be one of line, json"), message);
        assertTrue(message.contains("Invalid value -1 for configuration roll.size.bytes"), message);
        assertTrue(message.contains("Invalid value maybe for configuration fsync"), message);
    }

    @Test
    void aFileHasOneWriter() {
        String severalTasks = assertThrows(
                        ConfigException.class,
                        () -> new FileSinkConfig(Map.of("file.path", "/out/all.log", "tasks.max", "3")))
                .getMessage();
        assertTrue(
                severalTasks.contains(
                        "must contain ${partition} (and ${topic} for several topics) when tasks.max" + " is 3"),
                severalTasks);
        String severalTopics = assertThrows(
                        ConfigException.class,
                        () -> new FileSinkConfig(Map.of("file.path", "/out/p${partition}.log", "topics", "a,b")))
                .getMessage();
        assertTrue(severalTopics.contains("must also contain ${topic}"), severalTopics);
        new FileSinkConfig(
                Map.of("file.path", "/out/${topic}-${partition}.log", "topics.regex", "x.*", "tasks.max", "4"));
    }

    @Test
    void validateAttachesTheProblemsToTheirKeys() {
        List<ConfigValue> values = new FileSinkConnector()
                .validate(Map.of("file.path", "/o.log", "tasks.max", "2", "format", "x"))
                .configValues();
        List<String> withErrors = values.stream()
                .filter(v -> !v.errorMessages().isEmpty())
                .map(ConfigValue::name)
                .sorted()
                .toList();
        assertEquals(List.of("file.path", "format"), withErrors);
    }
}
