package io.vertebra.connect.jdbc.write;

import io.vertebra.connect.jdbc.config.IdentifierQuoting;
import io.vertebra.connect.jdbc.config.InsertMode;
import io.vertebra.connect.jdbc.record.Column;
import io.vertebra.connect.jdbc.record.RowChange;
import io.vertebra.connect.jdbc.record.RowShape;
import io.vertebra.connect.jdbc.schema.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Applies one <em>run</em> of changes to one table: consecutive changes whose upserts share a {@link RowShape}.
 *
 * <p>Inside a run the last change per key wins: keys touched by a delete are deleted first (one
 * {@code DELETE ... USING} a staging table), then the surviving rows are written in one statement. With
 * {@code insert.mode=insert} the rows go straight into the table with COPY (every insert after a key's last delete
 * is kept, so a duplicate key still fails as an insert should); with {@code upsert} they go through COPY into a
 * staging table and one {@code INSERT ... SELECT ... ON CONFLICT DO UPDATE}; with {@code update} one
 * {@code UPDATE ... FROM} the staging table. This reproduces applying the changes one by one, in far fewer round
 * trips.
 *
 * <p>Runs in the caller's transaction on the task thread.
 */
final class TableWriter {
    private final InsertMode insertMode;
    private final IdentifierQuoting quoting;
    private final CopyText copyText;
    private final StagingTables staging;

    TableWriter(InsertMode insertMode, IdentifierQuoting quoting, CopyText copyText, StagingTables staging) {
        this.insertMode = insertMode;
        this.quoting = quoting;
        this.copyText = copyText;
        this.staging = staging;
    }

    /** Applies a run; every change has the same table, and every upsert the same shape. */
    void apply(Connection connection, List<RowChange> run) throws SQLException {
        RowChange first = run.get(0);
        if (first.kind() == RowChange.Kind.TRUNCATE) {
            execute(connection, "TRUNCATE TABLE " + first.shape().table().sql(quoting));
            return;
        }
        RowShape upsertShape = null;
        Map<Object, RowChange> deletes = new LinkedHashMap<>();
        List<RowChange> rows;
        if (first.shape().keyCount() == 0) {
            rows = run; // pk.mode=none: inserts only, in order
            upsertShape = first.shape();
        } else if (insertMode == InsertMode.INSERT) {
            Map<Object, List<RowChange>> inserts = new LinkedHashMap<>();
            for (RowChange change : run) {
                Object key = change.key();
                if (change.kind() == RowChange.Kind.DELETE) {
                    deletes.put(key, change);
                    inserts.remove(key);
                } else {
                    upsertShape = change.shape();
                    inserts.computeIfAbsent(key, k -> new ArrayList<>(1)).add(change);
                }
            }
            rows = new ArrayList<>();
            inserts.values().forEach(rows::addAll);
        } else {
            Map<Object, RowChange> ordered = new LinkedHashMap<>();
            for (RowChange change : run) {
                Object key = change.key();
                if (change.kind() == RowChange.Kind.DELETE) {
                    deletes.put(key, change);
                    ordered.remove(key);
                } else {
                    upsertShape = change.shape();
                    ordered.put(key, change);
                }
            }
            rows = new ArrayList<>(ordered.values());
        }
        if (!deletes.isEmpty()) {
            delete(connection, new ArrayList<>(deletes.values()));
        }
        if (!rows.isEmpty()) {
            write(connection, upsertShape, rows);
        }
    }

    private void delete(Connection connection, List<RowChange> deletes) throws SQLException {
        RowShape keyShape = deletes.get(0).shape().keyOnly();
        String stage = stageRows(connection, keyShape, deletes);
        execute(
                connection,
                "DELETE FROM " + keyShape.table().sql(quoting) + " t USING " + stage + " s WHERE "
                        + keyMatch(keyShape));
    }

    private void write(Connection connection, RowShape shape, List<RowChange> rows) throws SQLException {
        String table = shape.table().sql(quoting);
        String columns = columnList(shape.columns(), "");
        if (insertMode == InsertMode.INSERT || shape.keyCount() == 0) {
            copyText.copy(
                    copyManager(connection), "COPY " + table + " (" + columns + ") FROM STDIN", rows, shape.columns());
            return;
        }
        String stage = stageRows(connection, shape, rows);
        List<Column> values = shape.valueColumns();
        if (insertMode == InsertMode.UPSERT) {
            String conflict = values.isEmpty()
                    ? "DO NOTHING"
                    : "DO UPDATE SET "
                            + values.stream()
                                    .map(c -> name(c) + " = EXCLUDED." + name(c))
                                    .collect(Collectors.joining(", "));
            execute(
                    connection,
                    "INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + stage
                            + " ON CONFLICT (" + columnList(shape.keyColumns(), "") + ") " + conflict);
        } else if (!values.isEmpty()) {
            execute(
                    connection,
                    "UPDATE " + table + " t SET "
                            + values.stream()
                                    .map(c -> name(c) + " = s." + name(c))
                                    .collect(Collectors.joining(", "))
                            + " FROM " + stage + " s WHERE " + keyMatch(shape));
        }
    }

    /** COPYs rows into the shape's staging table (empty at the start of every transaction); returns its name. */
    private String stageRows(Connection connection, RowShape shape, List<RowChange> rows) throws SQLException {
        String stage = staging.stageFor(connection, shape);
        copyText.copy(
                copyManager(connection),
                "COPY " + stage + " (" + columnList(shape.columns(), "") + ") FROM STDIN",
                rows,
                shape.columns());
        return stage;
    }

    private String keyMatch(RowShape shape) {
        return shape.keyColumns().stream()
                .map(c -> "t." + name(c) + " = s." + name(c))
                .collect(Collectors.joining(" AND "));
    }

    private String columnList(List<Column> columns, String prefix) {
        return columns.stream().map(c -> prefix + name(c)).collect(Collectors.joining(", "));
    }

    private String name(Column column) {
        return Identifiers.sql(column.name(), quoting);
    }

    private static CopyManager copyManager(Connection connection) throws SQLException {
        return connection.unwrap(PGConnection.class).getCopyAPI();
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
