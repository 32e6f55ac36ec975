package io.vertebra.connect.jdbc.write;

import java.sql.SQLException;

/**
 * Sorts database errors into the two kinds the task handles differently. A <em>record</em> error (SQLSTATE class 22
 * data exception or 23 integrity violation) will fail again on retry: it goes to the dead-letter queue or fails the
 * task. Everything else (connection loss, shutdown, serialization failure, a concurrent DDL race) is worth retrying.
 */
public final class SqlErrors {
    private SqlErrors() {}

    public static boolean isRecordError(SQLException e) {
        String state = rootState(e);
        if (state == null || state.length() < 2) {
            return false;
        }
        // a unique violation on pg_type is two tasks creating the same table at once, not a bad record
        boolean createRace =
                state.equals("23505") && String.valueOf(e.getMessage()).contains("pg_type");
        return state.startsWith("22") || (state.startsWith("23") && !createRace);
    }

    /** Errors in the statement itself (undefined column, wrong type): retrying changes nothing. */
    public static boolean isDefinitionError(SQLException e) {
        String state = rootState(e);
        return state != null && state.startsWith("42") && !state.equals("42P07") && !state.equals("42701");
    }

    private static String rootState(SQLException e) {
        for (SQLException cur = e; cur != null; cur = cur.getNextException()) {
            if (cur.getSQLState() != null) {
                return cur.getSQLState();
            }
        }
        return null;
    }
}
