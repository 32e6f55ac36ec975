package io.vertebra.connect.jdbc;

import io.vertebra.connect.jdbc.config.JdbcSinkConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * The JDBC sink connector: writes records into PostgreSQL tables (insert, upsert, update, delete), understands
 * Debezium change events, creates and evolves tables, and by default writes exactly once by committing rows and
 * Kafka offsets in one database transaction. See {@code docs/jdbc-sink.md}.
 *
 * <p>Every task gets the same configuration; Kafka Connect spreads the topic partitions over them.
 */
public final class JdbcSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new JdbcSinkConfig(props); // fail fast, naming every problem
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return JdbcSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(JdbcSinkTask.TASK_INDEX, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return JdbcSinkConfig.CONFIG_DEF;
    }

    /** Single-key checks from the ConfigDef, plus the checks that involve several keys, all reported at once. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, String> problems = JdbcSinkConfig.crossKeyProblems(connectorConfigs);
        for (ConfigValue value : config.configValues()) {
            String problem = problems.get(value.name());
            if (problem != null) {
                value.addErrorMessage(problem);
            }
        }
        return config;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
