package io.vertebra.connect.file.sink;

import io.vertebra.connect.file.PluginVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes records to files as lines or JSON, rolling by size and time, exactly once across crashes (see {@link
 * FileSinkTask}). See {@link FileSinkConfig} for the settings and docs/file-connectors.md for the why.
 */
public class FileSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        new FileSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> tasks = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            tasks.add(props);
        }
        return tasks;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return FileSinkConfig.CONFIG_DEF;
    }

    /** Every problem of the configuration at once, each attached to its key. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return FileSinkConfig.validate(connectorConfigs).toConfig();
    }
}
