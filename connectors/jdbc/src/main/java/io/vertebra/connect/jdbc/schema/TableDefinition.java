package io.vertebra.connect.jdbc.schema;

import java.util.List;
import java.util.Map;

/**
 * What the database says about a table: its columns (stored name to PostgreSQL type) in order, and its primary key
 * columns. Immutable; read by {@link TableSchemaSync}.
 */
public record TableDefinition(TableId id, Map<String, String> columnTypes, List<String> primaryKey) {
    public TableDefinition {
        columnTypes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columnTypes));
        primaryKey = List.copyOf(primaryKey);
    }

    public boolean hasColumn(String storedName) {
        return columnTypes.containsKey(storedName);
    }
}
