package io.vertebra.connect.jdbc.schema;

import io.vertebra.connect.jdbc.config.IdentifierQuoting;
import io.vertebra.connect.jdbc.config.JdbcSinkConfig;
import io.vertebra.connect.jdbc.record.Column;
import io.vertebra.connect.jdbc.record.RowShape;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a destination table fit the rows about to be written: creates it under {@code auto.create} (with its
 * primary key), adds missing nullable columns under {@code auto.evolve}, and otherwise fails with a
 * {@link TableMismatchException} that names the table, the columns and the key to change.
 *
 * <p>DDL runs in its own committed transaction before the data transaction (so a rolled-back batch never undoes
 * it, and concurrent tasks racing to create a table just retry). Definitions are cached until {@link #invalidate()};
 * the task thread calls this, never concurrently.
 */
public final class TableSchemaSync {
    private static final Logger log = LoggerFactory.getLogger(TableSchemaSync.class);

    private final JdbcSinkConfig config;
    private final IdentifierQuoting quoting;
    private final Map<TableId, TableDefinition> definitions = new HashMap<>();
    private final Set<RowShape> fitted = new HashSet<>();

    public TableSchemaSync(JdbcSinkConfig config) {
        this.config = config;
        this.quoting = config.quoting();
    }

    /** Forgets cached definitions, e.g. after a failed transaction or when someone else may have changed tables. */
    public void invalidate() {
        definitions.clear();
        fitted.clear();
    }

    /**
     * Makes sure {@code shape}'s table exists and has its columns; returns the table's definition. Commits any DDL
     * it runs. {@code needsPrimaryKey}: the rows are upserted, so the table's primary key must be exactly the
     * shape's key columns ({@code ON CONFLICT} needs it).
     */
    public TableDefinition fit(Connection connection, RowShape shape, boolean needsPrimaryKey) throws SQLException {
        TableId table = shape.table();
        TableDefinition definition = definitions.get(table);
        if (definition != null && fitted.contains(shape)) {
            return definition;
        }
        if (definition == null) {
            definition = read(connection, table);
        }
        if (definition == null) {
            if (!config.autoCreate()) {
                throw new TableMismatchException("Table " + table + " does not exist; set " + JdbcSinkConfig.AUTO_CREATE
                        + "=true to create it from the records' schema, or create it");
            }
            create(connection, shape);
            definition = read(connection, table);
            if (definition == null) {
                throw new SQLException("table " + table + " is still missing right after CREATE TABLE");
            }
        }
        List<Column> missing = new ArrayList<>();
        for (Column column : shape.columns()) {
            if (!definition.hasColumn(Identifiers.stored(column.name(), quoting))) {
                missing.add(column);
            }
        }
        if (!missing.isEmpty()) {
            List<String> names = missing.stream().map(Column::name).toList();
            if (!config.autoEvolve()) {
                throw new TableMismatchException("Table " + table + " lacks columns " + names
                        + " that the records carry; set " + JdbcSinkConfig.AUTO_EVOLVE
                        + "=true to add them, or add them to the table");
            }
            if (missing.stream().anyMatch(Column::key)) {
                throw new TableMismatchException("Table " + table + " lacks key columns " + names
                        + "; auto.evolve adds only nullable non-key columns, so add the key columns yourself");
            }
            evolve(connection, table, missing);
            definition = read(connection, table);
        }
        if (needsPrimaryKey) {
            checkKey(definition, shape);
        }
        definitions.put(table, definition);
        fitted.add(shape);
        return definition;
    }

    private void checkKey(TableDefinition definition, RowShape shape) {
        Set<String> keys = shape.keyColumns().stream()
                .map(c -> Identifiers.stored(c.name(), quoting))
                .collect(Collectors.toSet());
        if (!keys.equals(new HashSet<>(definition.primaryKey()))) {
            throw new TableMismatchException("Table " + definition.id() + " has primary key "
                    + definition.primaryKey() + ", but " + JdbcSinkConfig.PK_MODE + "="
                    + config.pkMode().configValue() + " gives key columns " + keys + "; "
                    + JdbcSinkConfig.INSERT_MODE + "=" + config.insertMode().configValue()
                    + " matches rows by a primary key on exactly those columns");
        }
    }

    /** The table's definition, or {@code null} when it does not exist. */
    public TableDefinition read(Connection connection, TableId table) throws SQLException {
        String sql = "SELECT a.attname, format_type(a.atttypid, a.atttypmod),"
                + " EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary"
                + " AND a.attnum = ANY(i.indkey))"
                + " FROM pg_attribute a WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attnum";
        Map<String, String> columns = new LinkedHashMap<>();
        List<String> primaryKey = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.sql(quoting));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.put(rows.getString(1), rows.getString(2));
                    if (rows.getBoolean(3)) {
                        primaryKey.add(rows.getString(1));
                    }
                }
            }
        }
        connection.commit();
        return columns.isEmpty() ? null : new TableDefinition(table, columns, primaryKey);
    }

    private void create(Connection connection, RowShape shape) throws SQLException {
        StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ")
                .append(shape.table().sql(quoting))
                .append(" (");
        List<Column> columns = shape.columns();
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            if (i > 0) {
                sql.append(", ");
            }
            sql.append(Identifiers.sql(column.name(), quoting)).append(' ').append(ColumnType.sqlType(column.schema()));
            if (!column.nullable()) {
                sql.append(" NOT NULL");
            }
        }
        if (shape.keyCount() > 0) {
            sql.append(", PRIMARY KEY (")
                    .append(shape.keyColumns().stream()
                            .map(c -> Identifiers.sql(c.name(), quoting))
                            .collect(Collectors.joining(", ")))
                    .append(')');
        }
        sql.append(')');
        log.info("Creating table {}: {}", shape.table(), sql);
        execute(connection, sql.toString());
    }

    private void evolve(Connection connection, TableId table, List<Column> missing) throws SQLException {
        String sql = "ALTER TABLE " + table.sql(quoting) + " "
                + missing.stream()
                        .map(c -> "ADD COLUMN IF NOT EXISTS " + Identifiers.sql(c.name(), quoting) + " "
                                + ColumnType.sqlType(c.schema()))
                        .collect(Collectors.joining(", "));
        log.info("Evolving table {}: {}", table, sql);
        execute(connection, sql);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }
}
