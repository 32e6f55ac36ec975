package io.vertebra.runtime.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status topic's format and the map it folds into. Keys {@code status-connector-NAME} and
 * {@code status-task-NAME-N} (Kafka Connect's), values {@code {"state", "trace", "worker_id"}}; null deletes.
 * Thread-safe.
 */
final class StatusRecords {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Map<String, Status> connectors = new ConcurrentHashMap<>();
    private final Map<String, Map<Integer, Status>> tasks = new ConcurrentHashMap<>();
    private final Map<String, java.util.Set<String>> topics = new ConcurrentHashMap<>();

    static byte[] topicKey(String connector, String topic) {
        return ("topic-" + topic + "-connector-" + connector).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] topicValue(String connector, String topic) {
        return ConfigRecords.json(Map.of(
                "topic",
                Map.of(
                        "name",
                        topic,
                        "connector",
                        connector,
                        "task",
                        connector + "-0",
                        "discoverTimestamp",
                        System.currentTimeMillis())));
    }

    boolean knowsTopic(String connector, String topic) {
        java.util.Set<String> set = topics.get(connector);
        return set != null && set.contains(topic);
    }

    java.util.Set<String> topics(String connector) {
        return new java.util.TreeSet<>(topics.getOrDefault(connector, java.util.Set.of()));
    }

    static byte[] connectorKey(String name) {
        return ("status-connector-" + name).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] taskKey(TaskId id) {
        return ("status-task-" + id).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] value(Status s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("state", s.state());
        v.put("trace", s.trace());
        v.put("worker_id", s.workerId());
        return ConfigRecords.json(v);
    }

    void apply(byte[] keyBytes, byte[] valueBytes) {
        String key = new String(keyBytes, StandardCharsets.UTF_8);
        if (key.startsWith("topic-")) {
            applyTopic(key, valueBytes);
            return;
        }
        Status status = null;
        if (valueBytes != null) {
            try {
                Map<String, Object> v = ConfigRecords.JSON.readValue(valueBytes, MAP);
                status = new Status((String) v.get("state"), (String) v.get("trace"), (String) v.get("worker_id"));
            } catch (IOException e) {
                return;
            }
        }
        if (key.startsWith("status-connector-")) {
            String name = key.substring("status-connector-".length());
            if (status == null) {
                connectors.remove(name);
            } else {
                connectors.put(name, status);
            }
        } else if (key.startsWith("status-task-")) {
            TaskId id = TaskId.parse(key.substring("status-task-".length()));
            if (status == null) {
                tasks.computeIfPresent(id.connector(), (k, m) -> {
                    m.remove(id.task());
                    return m.isEmpty() ? null : m;
                });
            } else {
                Status s = status;
                tasks.computeIfAbsent(id.connector(), k -> new ConcurrentHashMap<>())
                        .put(id.task(), s);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void applyTopic(String key, byte[] valueBytes) {
        int sep = key.lastIndexOf("-connector-");
        if (sep < 0) {
            return;
        }
        String topic = key.substring("topic-".length(), sep);
        String connector = key.substring(sep + "-connector-".length());
        if (valueBytes == null) {
            topics.computeIfPresent(connector, (k, set) -> {
                set.remove(topic);
                return set.isEmpty() ? null : set;
            });
        } else {
            topics.computeIfAbsent(connector, k -> ConcurrentHashMap.newKeySet())
                    .add(topic);
        }
    }

    Optional<Status> connector(String name) {
        return Optional.ofNullable(connectors.get(name));
    }

    Map<Integer, Status> tasks(String name) {
        return new TreeMap<>(tasks.getOrDefault(name, Map.of()));
    }
}
