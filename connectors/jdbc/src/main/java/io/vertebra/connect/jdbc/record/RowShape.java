package io.vertebra.connect.jdbc.record;

import io.vertebra.connect.jdbc.schema.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The columns a group of records writes into one table: key columns first, then value columns. Records whose key
 * and value schemas are the same share one shape, so the writer plans its SQL once per shape. Immutable.
 */
public final class RowShape {
    private final TableId table;
    private final List<Column> columns;
    private final int keyCount;

    public RowShape(TableId table, List<Column> keyColumns, List<Column> valueColumns) {
        this.table = table;
        List<Column> all = new ArrayList<>(keyColumns);
        all.addAll(valueColumns);
        this.columns = List.copyOf(all);
        this.keyCount = keyColumns.size();
    }

    public TableId table() {
        return table;
    }

    public List<Column> columns() {
        return columns;
    }

    /** The first {@code keyCount()} columns are the key. */
    public int keyCount() {
        return keyCount;
    }

    public List<Column> keyColumns() {
        return columns.subList(0, keyCount);
    }

    public List<Column> valueColumns() {
        return columns.subList(keyCount, columns.size());
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }

    /** The shape of a delete in this table: the key columns only. */
    public RowShape keyOnly() {
        return keyCount == columns.size() ? this : new RowShape(table, keyColumns(), List.of());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowShape other
                && table.equals(other.table)
                && keyCount == other.keyCount
                && sameColumns(other);
    }

    private boolean sameColumns(RowShape other) {
        if (columns.size() != other.columns.size()) {
            return false;
        }
        for (int i = 0; i < columns.size(); i++) {
            Column a = columns.get(i);
            Column b = other.columns.get(i);
            if (!a.name().equals(b.name()) || a.type() != b.type() || a.key() != b.key()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, keyCount, columnNames());
    }

    @Override
    public String toString() {
        return table + columnNames().toString();
    }
}
