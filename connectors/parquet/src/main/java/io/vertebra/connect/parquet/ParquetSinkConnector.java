package io.vertebra.connect.parquet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * The Parquet data-lake sink: writes topics as Parquet files to a Hadoop FileSystem store (local files, HDFS,
 * S3 through s3a), partitioned into Hive-style directories, exactly once without any state outside the store.
 * Each task writes the partitions assigned to it, so tasks share no state.
 */
public class ParquetSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        ParquetSinkConfig.parse(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ParquetSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return ParquetSinkConfig.CONFIG_DEF;
    }

    /** Per-key checks of the ConfigDef plus the checks that involve several keys, all reported at once. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, ConfigValue> byName = new java.util.LinkedHashMap<>();
        for (ConfigValue value : config.configValues()) {
            byName.put(value.name(), value);
        }
        ParquetSinkConfig.addCrossFieldProblems(connectorConfigs, byName);
        return new Config(new ArrayList<>(byName.values()));
    }
}
