package io.vertebra.connect.jdbc.write;

import io.vertebra.connect.jdbc.config.IdentifierQuoting;
import io.vertebra.connect.jdbc.record.Column;
import io.vertebra.connect.jdbc.record.RowShape;
import io.vertebra.connect.jdbc.schema.Identifiers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * Temporary staging tables, one per row shape and database session: {@code CREATE TEMP TABLE ... ON COMMIT DELETE
 * ROWS AS SELECT <shape columns> FROM <table> WITH NO DATA}, so a staging table has the destination's column types
 * but none of its constraints, and is empty again after every commit. Created on first use in a session and
 * remembered; {@link #forget()} after a rollback (which may have undone a creation) or a reconnect.
 *
 * <p>Used by the task thread only.
 */
final class StagingTables {
    private final IdentifierQuoting quoting;
    private final Map<RowShape, String> names = new HashMap<>();
    private Object session;
    private int next;

    StagingTables(IdentifierQuoting quoting) {
        this.quoting = quoting;
    }

    /** The staging table for {@code shape} in this connection's session, created when missing. */
    String stageFor(Connection connection, RowShape shape) throws SQLException {
        Object physical = connection.unwrap(PGConnection.class);
        if (physical != session) {
            names.clear();
            session = physical;
        }
        String name = names.get(shape);
        if (name == null) {
            name = Identifiers.quote("vertebra_stage_" + (next++));
            String columns = shape.columns().stream()
                    .map(Column::name)
                    .map(n -> Identifiers.sql(n, quoting))
                    .collect(Collectors.joining(", "));
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE " + name + " ON COMMIT DELETE ROWS AS SELECT " + columns + " FROM "
                        + shape.table().sql(quoting) + " WITH NO DATA");
            }
            names.put(shape, name);
        }
        return name;
    }

    void forget() {
        names.clear();
        session = null;
    }
}
