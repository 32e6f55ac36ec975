package io.vertebra.connect.jdbc.record;

import io.vertebra.connect.jdbc.schema.ColumnType;
import org.apache.kafka.connect.data.Schema;

/**
 * One column of a row: its name, the Connect schema of the field it comes from, how that schema maps to PostgreSQL,
 * and whether it is part of the primary key. Immutable.
 */
public record Column(String name, Schema schema, ColumnType type, boolean key) {
    public Column(String name, Schema schema, boolean key) {
        this(name, schema, ColumnType.of(schema), key);
    }

    /** Whether the column may hold NULL: key columns never do; others when the field is optional. */
    public boolean nullable() {
        return !key && schema.isOptional();
    }
}
