package io.vertebra.runtime.offsets;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

/**
 * The offset topic's format, Kafka Connect's own, written and read by the converter Kafka Connect uses for it: a
 * schemaless {@link JsonConverter} ({@code schemas.enable=false}). Key {@code ["<connector>", {<partition>}]}, value
 * {@code {<offset>}}, null value deletes. Because the same converter reads the bytes back, types are Kafka Connect's
 * too: integral numbers come back as {@code Long}, decimals as {@code Double}, bytes as their base64 string. Maps are
 * written in their own iteration order, as Kafka Connect's {@code OffsetStorageWriter} does, so a partition written
 * here has the key bytes Apache Kafka Connect looks up, and the other way round. Lookups here compare parsed
 * partitions, so the order of a partition's keys never hides an offset. Thread-safe.
 */
final class OffsetRecords {
    private static final JsonConverter KEYS = converter(ConverterType.KEY);
    private static final JsonConverter VALUES = converter(ConverterType.VALUE);

    private final Map<String, Map<Map<String, Object>, Map<String, Object>>> byConnector = new ConcurrentHashMap<>();

    private static JsonConverter converter(ConverterType type) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of(
                JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false", ConverterConfig.TYPE_CONFIG, type.getName()));
        return converter;
    }

    /**
     * The record key of a source partition.
     *
     * @throws DataException when the partition is not in the format Kafka Connect accepts (see {@link #validate})
     */
    static byte[] key(String connector, Map<String, ?> partition) {
        validate(partition);
        return KEYS.fromConnectData(connector, null, Arrays.asList(connector, partition));
    }

    /**
     * The record value of a source offset; null for null (a tombstone).
     *
     * @throws DataException when the offset is not in the format Kafka Connect accepts (see {@link #validate})
     */
    static byte[] value(String connector, Map<String, ?> offset) {
        validate(offset);
        return VALUES.fromConnectData(connector, null, offset);
    }

    /**
     * Kafka Connect's rule for partitions and offsets ({@code OffsetUtils.validateFormat}): String keys and values of
     * a primitive Connect type (or null). Nested maps and lists are refused on write, as Apache Kafka Connect refuses
     * them, so a connector that works here works there.
     */
    static void validate(Map<?, ?> data) {
        if (data == null) {
            return;
        }
        data.forEach((k, v) -> {
            if (!(k instanceof String)) {
                throw new DataException("Offsets may only use String keys");
            }
            if (v != null) {
                Schema.Type type = ConnectSchema.schemaType(v.getClass());
                if (type == null || !type.isPrimitive()) {
                    throw new DataException("Offsets may only contain primitive types as values, but field " + k
                            + " contains " + (type == null ? v.getClass().getName() : type));
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    void apply(byte[] key, byte[] value) {
        Object k;
        try {
            k = KEYS.toConnectData("", key).value();
        } catch (DataException e) {
            return; // a record not in this format (another tool's) is not ours to read
        }
        if (!(k instanceof List<?> list)
                || list.size() != 2
                || !(list.get(0) instanceof String connector)
                || !(list.get(1) instanceof Map)) {
            return;
        }
        Map<String, Object> partition = Collections.unmodifiableMap((Map<String, Object>) list.get(1));
        Object offset;
        try {
            offset = VALUES.toConnectData(connector, value).value();
            validate(offset instanceof Map<?, ?> m ? m : null);
        } catch (DataException e) {
            offset = null; // as Kafka Connect's reader: the latest record is unreadable, so there is no offset
        }
        if (!(offset instanceof Map)) {
            byConnector.computeIfPresent(connector, (c, m) -> {
                m.remove(partition);
                return m;
            });
        } else {
            byConnector
                    .computeIfAbsent(connector, c -> new ConcurrentHashMap<>())
                    .put(partition, Collections.unmodifiableMap((Map<String, Object>) offset));
        }
    }

    /** The offset of a partition, or null (also for a partition Kafka Connect would refuse to look up). */
    Map<String, Object> offset(String connector, Map<String, ?> partition) {
        Map<Map<String, Object>, Map<String, Object>> m = byConnector.get(connector);
        if (m == null) {
            return null;
        }
        try {
            validate(partition);
        } catch (DataException e) {
            return null;
        }
        return m.get(normalize(connector, partition));
    }

    Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
        return Map.copyOf(byConnector.getOrDefault(connector, Map.of()));
    }

    /** The partition as it looks after a trip through the topic (an Integer becomes a Long, bytes a string). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> normalize(String connector, Map<String, ?> partition) {
        try {
            Object back = VALUES.toConnectData(connector, VALUES.fromConnectData(connector, null, partition))
                    .value();
            return back instanceof Map ? (Map<String, Object>) back : new HashMap<>(partition);
        } catch (DataException e) {
            return new HashMap<>(partition);
        }
    }
}
