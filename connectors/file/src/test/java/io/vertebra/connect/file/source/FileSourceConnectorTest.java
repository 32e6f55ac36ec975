package io.vertebra.connect.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;

class FileSourceConnectorTest {
    private static Map<String, String> config(String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    @Test
    void anInvalidConfigurationReportsEveryProblemAtOnceNamingKeyValueAndWhatIsValid() {
        Map<String, String> props = config(
                "format", "xml",
                "start.position", "middle",
                "multiline.start.pattern", "([",
                "file.pattern", "/logs/[a-",
                "batch.size", "0",
                "encoding", "UTF-16",
                "csv.delimiter", ";;");
        ConfigException failure = assertThrows(ConfigException.class, () -> new FileSourceConfig(props));
        String message = failure.getMessage();
        assertTrue(message.startsWith("8 invalid settings for the file source:"), message);
        for (String expected : List.of(
                "Missing required configuration \"topic\"",
                "Invalid value xml for configuration format: must be one of line, json, csv",
                "Invalid value middle for configuration start.position: must be one of beginning, end",
                "Invalid value ([ for configuration multiline.start.pattern: must be a java.util.regex pattern",
                "Invalid value /logs/[a- for configuration file.pattern: must be a glob",
                "Invalid value 0 for configuration batch.size: Value must be at least 1",
                "Invalid value UTF-16 for configuration encoding: must encode a newline as the single byte 0x0A",
                "Invalid value ;; for configuration csv.delimiter: must be exactly one character")) {
            assertTrue(message.contains(expected), "missing <" + expected + "> in:\n" + message);
        }
    }

    @Test
    void crossChecksNameTheKeysInvolved() {
        Map<String, String> noFiles = config("topic", "t");
        assertTrue(assertThrows(ConfigException.class, () -> new FileSourceConfig(noFiles))
                .getMessage()
                .contains("set file.paths (a list of files), file.pattern (a glob), or both"));

        Map<String, String> twice = config("topic", "t", "file.paths", "/l/a.log", "file.pattern", "/l/*.log");
        assertTrue(assertThrows(ConfigException.class, () -> new FileSourceConfig(twice))
                .getMessage()
                .contains("/l/a.log is also matched by file.pattern /l/*.log"));

        Map<String, String> csv =
                config("topic", "t", "file.paths", "/a.csv", "format", "csv", "csv.columns", "a:int99,b,b");
        String message = assertThrows(ConfigException.class, () -> new FileSourceConfig(csv))
                .getMessage();
        assertTrue(message.contains("column 'a:int99' has type 'int99'; the types are string, int32"), message);
        assertTrue(message.contains("names column b twice"), message);

        Map<String, String> csvWithoutNames = config("topic", "t", "file.paths", "/a.csv", "format", "CSV");
        assertTrue(assertThrows(ConfigException.class, () -> new FileSourceConfig(csvWithoutNames))
                .getMessage()
                .contains("list them in csv.columns or set csv.header=true"));
    }

    @Test
    void validateAttachesEveryProblemToItsKeyForTheRestApi() {
        FileSourceConnector connector = new FileSourceConnector();
        Map<String, List<String>> errors =
                connector.validate(config("format", "csv", "batch.size", "x")).configValues().stream()
                        .filter(v -> !v.errorMessages().isEmpty())
                        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
        assertEquals(
                List.of("topic", "file.paths", "csv.columns", "batch.size").stream()
                        .sorted()
                        .toList(),
                errors.keySet().stream().sorted().toList(),
                errors.toString());
        assertEquals(
                List.of("Invalid value x for configuration batch.size: Not a number of type INT"),
                errors.get("batch.size"),
                "one message per problem");
    }

    @Test
    void eachPathAndThePatternCanGoToItsOwnTask() {
        FileSourceConnector connector = new FileSourceConnector();
        connector.start(config("topic", "t", "file.paths", "/a.log,/b.log,/c.log", "file.pattern", "/d/*.log"));
        List<Map<String, String>> two = connector.taskConfigs(2);
        assertEquals(2, two.size());
        assertEquals("/a.log,/b.log", two.get(0).get("file.paths"));
        assertEquals("", two.get(0).get("file.pattern"));
        assertEquals("/c.log", two.get(1).get("file.paths"));
        assertEquals("/d/*.log", two.get(1).get("file.pattern"));
        assertEquals(4, connector.taskConfigs(10).size());
        assertEquals(1, connector.taskConfigs(1).size());
        two.forEach(FileSourceConfig::new);
    }

    @Test
    void supportsExactlyOnceAndChecksOffsetsGivenThroughTheRestApi() {
        FileSourceConnector connector = new FileSourceConnector();
        assertEquals(ExactlyOnceSupport.SUPPORTED, connector.exactlyOnceSupport(Map.of()));
        assertTrue(
                connector.alterOffsets(Map.of(), Map.of(Map.of("file.key", "(dev=1,ino=2)"), Map.of("position", 10L))));
        assertTrue(connector.alterOffsets(Map.of(), java.util.Collections.singletonMap(Map.of("file.key", "k"), null)));
        ConnectException failure = assertThrows(
                ConnectException.class,
                () -> connector.alterOffsets(Map.of(), Map.of(Map.of("file", "x"), Map.of("position", -1))));
        assertTrue(failure.getMessage().contains("must be {\"file.key\": \"<file key>\"}"), failure.getMessage());
        assertTrue(failure.getMessage().contains("\"position\" as a byte position >= 0"), failure.getMessage());
    }
}
