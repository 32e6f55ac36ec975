package io.vertebra.connect.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.Test;

class ParquetSinkConnectorTest {
    private static Map<String, List<String>> errors(Map<String, String> config) {
        return new ParquetSinkConnector()
                .validate(config).configValues().stream()
                        .filter(v -> !v.errorMessages().isEmpty())
                        .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void reportsTheBuildVersion() {
        String version = new ParquetSinkConnector().version();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), version);
        assertEquals(version, new ParquetSinkTask().version());
    }

    @Test
    void validateReportsEveryBadKeyAtOnceNamingValueAndWhatIsValid() {
        Map<String, String> config = new HashMap<>();
        config.put("store.url", "no-scheme/path");
        config.put("parquet.codec", "brotli");
        config.put("partitioner.class", "com.example.MyPartitioner");
        config.put("timezone", "Mars/Olympus");
        config.put("flush.size", "0");
        Map<String, List<String>> errors = errors(config);
        assertEquals(
                List.of("flush.size", "parquet.codec", "partitioner.class", "store.url", "timezone"),
                errors.keySet().stream().sorted().toList());
        assertTrue(errors.get("parquet.codec").get(0).contains("brotli"), errors.toString());
        assertTrue(errors.get("parquet.codec").get(0).toLowerCase().contains("snappy"), errors.toString());
        assertTrue(errors.get("partitioner.class").get(0).contains("FieldPartitioner"), errors.toString());
        assertTrue(errors.get("store.url").get(0).contains("file:///"), errors.toString());
    }

    @Test
    void validateChecksKeysThatDependOnEachOther() {
        Map<String, String> config = new HashMap<>();
        config.put("store.url", "file:///tmp/lake");
        config.put("partitioner.class", "TimeBasedPartitioner");
        config.put("timestamp.extractor", "RecordField");
        config.put("timestamp.field", "");
        Map<String, List<String>> errors = errors(config);
        assertEquals(
                List.of("partition.duration.ms", "path.format", "timestamp.field"),
                errors.keySet().stream().sorted().toList());
        assertThrows(ConfigException.class, () -> ParquetSinkConfig.parse(config));
    }

    @Test
    void acceptsConfluentNamesAndStartsTasksWithTheSameConfig() {
        Map<String, String> config = Map.of(
                "store.url", "s3a://bucket/prefix/",
                "partitioner.class", "io.confluent.connect.storage.partitioner.HourlyPartitioner",
                "fs.s3a.secret.key", "s3cr3t");
        assertEquals(Map.of(), errors(config));
        ParquetSinkConnector connector = new ParquetSinkConnector();
        connector.start(config);
        assertEquals(List.of(config, config), connector.taskConfigs(2));
        assertEquals(
                "s3a://bucket/prefix",
                ParquetSinkConfig.parse(config).storeUrl().toString());
    }

    @Test
    void isDiscoverableThroughServiceLoader() {
        assertTrue(
                ServiceLoader.load(SinkConnector.class).stream().anyMatch(p -> p.type() == ParquetSinkConnector.class));
    }
}
