package io.vertebra.connect.file.source;

import io.vertebra.connect.file.PluginVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.util.ConnectorUtils;

/**
 * Tails files into a topic: follows rotation (rename and create, copytruncate) and globs, joins multi-line events,
 * parses JSON and CSV into structs, and resumes exactly where it left off. See {@link FileSourceConfig} for the
 * settings and docs/file-connectors.md for the why.
 *
 * <p>Tasks: every entry of {@code file.paths} and the {@code file.pattern} is one unit of work; units are spread
 * over up to {@code tasks.max} tasks. Each file must be matched by one unit only.
 *
 * <p>Exactly-once: the offset of every record is the exact byte after its event, so with Connect's exactly-once
 * source support enabled nothing is sent twice even when a worker is killed.
 */
public class FileSourceConnector extends SourceConnector {
    private Map<String, String> props;
    private FileSourceConfig config;

    @Override
    public String version() {
        return PluginVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        this.config = new FileSourceConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<String> units = new ArrayList<>();
        config.filePaths().forEach(path -> units.add("path:" + path));
        if (!config.filePattern().isEmpty()) {
            units.add("pattern:" + config.filePattern());
        }
        List<Map<String, String>> tasks = new ArrayList<>();
        for (List<String> share :
                ConnectorUtils.groupPartitions(units, Math.min(Math.max(1, maxTasks), units.size()))) {
            Map<String, String> task = new HashMap<>(props);
            List<String> paths = new ArrayList<>();
            String pattern = "";
            for (String unit : share) {
                if (unit.startsWith("path:")) {
                    paths.add(unit.substring("path:".length()));
                } else {
                    pattern = unit.substring("pattern:".length());
                }
            }
            task.put(FileSourceConfig.FILE_PATHS, String.join(",", paths));
            task.put(FileSourceConfig.FILE_PATTERN, pattern);
            task.put(FileSourceTask.TASK_ID, Integer.toString(tasks.size()));
            tasks.add(task);
        }
        return tasks;
    }

    @Override
    public void stop() {}

    @Override
    public ConfigDef config() {
        return FileSourceConfig.CONFIG_DEF;
    }

    /** Every problem of the configuration at once, each attached to its key. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return FileSourceConfig.validate(connectorConfigs).toConfig();
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /** Accepts offsets of the form shown by {@code GET /connectors/<name>/offsets}; a null offset resets a file. */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        List<String> problems = new ArrayList<>();
        offsets.forEach((partition, offset) -> problems.addAll(SourceOffsets.problems(partition, offset)));
        if (!problems.isEmpty()) {
            throw new ConnectException("Invalid offsets for the file source: " + String.join("; ", problems));
        }
        return true;
    }
}
