package io.vertebra.runtime.offsets;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The offset topic's format, Kafka Connect's own: key {@code ["<connector>", {<partition>}]}, value {@code {<offset>}}
 * as schemaless JSON (null deletes). Using the same bytes means offsets written by Apache Kafka Connect are read
 * here and the other way round. Map keys are written sorted so equal partitions always give equal key bytes (log
 * compaction compares bytes). Thread-safe.
 */
final class OffsetRecords {
    static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    private static final TypeReference<List<Object>> LIST = new TypeReference<>() {};
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final Map<String, Map<Map<String, Object>, Map<String, Object>>> byConnector = new ConcurrentHashMap<>();

    static byte[] key(String connector, Map<String, ?> partition) {
        try {
            return JSON.writeValueAsBytes(List.of(connector, new TreeMap<>(partition)));
        } catch (IOException e) {
            throw new IllegalArgumentException("source partition " + partition + " is not serializable as JSON", e);
        }
    }

    static byte[] value(Map<String, ?> offset) {
        if (offset == null) {
            return null;
        }
        try {
            return JSON.writeValueAsBytes(offset);
        } catch (IOException e) {
            throw new IllegalArgumentException("source offset " + offset + " is not serializable as JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    void apply(byte[] key, byte[] value) {
        try {
            List<Object> k = JSON.readValue(key, LIST);
            if (k.size() != 2 || !(k.get(0) instanceof String connector) || !(k.get(1) instanceof Map)) {
                return;
            }
            Map<String, Object> partition = Collections.unmodifiableMap(new HashMap<>((Map<String, Object>) k.get(1)));
            if (value == null) {
                byConnector.computeIfPresent(connector, (c, m) -> {
                    m.remove(partition);
                    return m;
                });
            } else {
                Map<String, Object> offset = Collections.unmodifiableMap(JSON.readValue(value, MAP));
                byConnector
                        .computeIfAbsent(connector, c -> new ConcurrentHashMap<>())
                        .put(partition, offset);
            }
        } catch (IOException | RuntimeException e) {
            // a record not in this format (another tool's) is not ours to read
        }
    }

    Map<String, Object> offset(String connector, Map<String, ?> partition) {
        Map<Map<String, Object>, Map<String, Object>> m = byConnector.get(connector);
        return m == null ? null : m.get(normalize(partition));
    }

    Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
        return Map.copyOf(byConnector.getOrDefault(connector, Map.of()));
    }

    /** The partition as it looks after a JSON round trip (e.g. an Integer stays an Integer, a Long small enough too). */
    static Map<String, Object> normalize(Map<String, ?> partition) {
        try {
            return Collections.unmodifiableMap(new HashMap<>(JSON.readValue(JSON.writeValueAsBytes(partition), MAP)));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
