package io.vertebra.runtime.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable snapshot of the config topic: connector configs (as submitted, placeholders unresolved), each
 * connector's target state and its current task configs.
 *
 * @param version increases with every applied change; a worker compares versions to know it is up to date
 */
public record ClusterConfig(
        long version,
        Map<String, Map<String, String>> connectors,
        Map<String, TargetState> targetStates,
        Map<String, List<Map<String, String>>> taskConfigs) {

    public static final ClusterConfig EMPTY = new ClusterConfig(0, Map.of(), Map.of(), Map.of());

    public boolean contains(String connector) {
        return connectors.containsKey(connector);
    }

    public TargetState targetState(String connector) {
        return targetStates.getOrDefault(connector, TargetState.STARTED);
    }

    public List<Map<String, String>> tasks(String connector) {
        return taskConfigs.getOrDefault(connector, List.of());
    }

    /** All tasks of all connectors, the unit the assignor distributes (a stopped connector has none). */
    public Set<TaskId> allTasks() {
        Set<TaskId> ids = new TreeSet<>();
        taskConfigs.forEach((name, tasks) -> {
            if (connectors.containsKey(name) && targetState(name) != TargetState.STOPPED) {
                for (int i = 0; i < tasks.size(); i++) {
                    ids.add(new TaskId(name, i));
                }
            }
        });
        return ids;
    }

    public List<String> connectorNames() {
        return new ArrayList<>(new TreeSet<>(connectors.keySet()));
    }
}
