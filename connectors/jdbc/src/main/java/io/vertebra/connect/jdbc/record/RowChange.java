package io.vertebra.connect.jdbc.record;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * What one sink record does to its table: upsert a row, delete the row with a key, or truncate the table. Values are
 * aligned with {@link RowShape#columns()} (for a delete: the key columns). Immutable once built; values are
 * Connect's objects, never copied.
 */
public final class RowChange {
    public enum Kind {
        UPSERT,
        DELETE,
        TRUNCATE
    }

    private final Kind kind;
    private final RowShape shape;
    private final Object[] values;
    private final SinkRecord record;

    public RowChange(Kind kind, RowShape shape, Object[] values, SinkRecord record) {
        this.kind = kind;
        this.shape = shape;
        this.values = values;
        this.record = record;
    }

    public Kind kind() {
        return kind;
    }

    public RowShape shape() {
        return shape;
    }

    public Object value(int column) {
        return values[column];
    }

    public SinkRecord record() {
        return record;
    }

    /**
     * The key as a value with content equality (byte arrays compared by content), for deduplication inside a batch.
     */
    public Object key() {
        int n = shape.keyCount();
        if (n == 1) {
            return comparable(values[0]);
        }
        Object[] key = new Object[n];
        for (int i = 0; i < n; i++) {
            key[i] = comparable(values[i]);
        }
        return Arrays.asList(key);
    }

    private static Object comparable(Object value) {
        return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
    }

    /** The key values of this change, in key column order. */
    public List<Object> keyValues() {
        return Arrays.asList(values).subList(0, shape.keyCount());
    }

    @Override
    public String toString() {
        return kind + " " + shape.table() + " from " + record.topic() + "-" + record.kafkaPartition() + "@"
                + record.kafkaOffset();
    }
}
