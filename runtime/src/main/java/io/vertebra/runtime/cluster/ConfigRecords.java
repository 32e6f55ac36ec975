package io.vertebra.runtime.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The record format of the config topic and the state it folds into. Keys are strings; values JSON (a null value
 * deletes):
 *
 * <pre>
 * connector-NAME      {"properties": {...}}            the connector config as submitted
 * target-state-NAME   {"state": "STARTED|PAUSED|STOPPED"}
 * tasks-NAME          {"tasks": [{...}, {...}]}        all task configs of the connector, written at once
 * restart-NAME        {"task": -1, "include_tasks": b, "only_failed": b}   a request, not state
 * </pre>
 *
 * Writing all task configs in one record replaces Kafka Connect's task-N + commit pair: one record is atomic by
 * itself. Not thread-safe: owned by the store's reader thread, which publishes immutable snapshots.
 */
final class ConfigRecords {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Map<String, Map<String, String>> connectors = new LinkedHashMap<>();
    private final Map<String, TargetState> targetStates = new HashMap<>();
    private final Map<String, List<Map<String, String>>> tasks = new HashMap<>();
    private long version;

    static byte[] key(String kind, String name) {
        return (kind + "-" + name).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] connectorValue(Map<String, String> config) {
        return json(Map.of("properties", config));
    }

    static byte[] stateValue(TargetState state) {
        return json(Map.of("state", state.name()));
    }

    static byte[] tasksValue(List<Map<String, String>> taskConfigs) {
        return json(Map.of("tasks", taskConfigs));
    }

    static byte[] restartValue(RestartRequest r) {
        return json(Map.of("task", r.task(), "include_tasks", r.includeTasks(), "only_failed", r.onlyFailed()));
    }

    /** Applies one record; returns true when the state changed. Restart requests go to {@code restarts}. */
    @SuppressWarnings("unchecked")
    boolean apply(byte[] keyBytes, byte[] valueBytes, Consumer<RestartRequest> restarts) {
        String key = new String(keyBytes, StandardCharsets.UTF_8);
        Map<String, Object> value;
        try {
            value = valueBytes == null ? null : JSON.readValue(valueBytes, MAP);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable config record " + key + ": " + e.getMessage());
        }
        if (key.startsWith("connector-")) {
            String name = key.substring("connector-".length());
            if (value == null) {
                connectors.remove(name);
                tasks.remove(name);
                targetStates.remove(name);
            } else {
                connectors.put(name, strings((Map<String, Object>) value.get("properties")));
            }
        } else if (key.startsWith("target-state-")) {
            String name = key.substring("target-state-".length());
            if (value == null) {
                targetStates.remove(name);
            } else {
                targetStates.put(name, TargetState.valueOf((String) value.get("state")));
            }
        } else if (key.startsWith("tasks-")) {
            String name = key.substring("tasks-".length());
            if (value == null) {
                tasks.remove(name);
            } else {
                List<Map<String, String>> list = new ArrayList<>();
                for (Object t : (List<Object>) value.get("tasks")) {
                    list.add(strings((Map<String, Object>) t));
                }
                tasks.put(name, List.copyOf(list));
            }
        } else if (key.startsWith("restart-")) {
            if (value != null && restarts != null) {
                restarts.accept(new RestartRequest(
                        key.substring("restart-".length()),
                        ((Number) value.get("task")).intValue(),
                        Boolean.TRUE.equals(value.get("include_tasks")),
                        Boolean.TRUE.equals(value.get("only_failed"))));
            }
            return false;
        } else {
            return false;
        }
        version++;
        return true;
    }

    private static Map<String, String> strings(Map<String, Object> raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            raw.forEach((k, v) -> out.put(k, v == null ? null : v.toString()));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    ClusterConfig snapshot() {
        Map<String, Map<String, String>> c = new LinkedHashMap<>(connectors);
        return new ClusterConfig(
                version, java.util.Collections.unmodifiableMap(c), Map.copyOf(targetStates), Map.copyOf(tasks));
    }
}
