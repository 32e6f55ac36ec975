package io.vertebra.connect.parquet;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** DuckDB (its own C++ Parquet reader, in process through JDBC): an independent reader of the lake's files. */
final class DuckDb {
    private DuckDb() {}

    /** Rows of a query, each as a list of column values rendered by DuckDB as text. */
    static List<List<String>> query(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            int columns = rows.getMetaData().getColumnCount();
            List<List<String>> result = new ArrayList<>();
            while (rows.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int c = 1; c <= columns; c++) {
                    row.add(rows.getString(c));
                }
                result.add(row);
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB query failed: " + sql, e);
        }
    }

    static long count(String sql) {
        return Long.parseLong(query(sql).get(0).get(0));
    }
}
