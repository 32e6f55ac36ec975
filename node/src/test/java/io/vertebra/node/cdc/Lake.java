package io.vertebra.node.cdc;

import io.vertebra.connect.cdcpostgres.testing.OrdersTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads a Parquet lake of Debezium change events back with DuckDB (its own C++ Parquet reader, independent of the
 * writer) and folds it into the table it describes: per key, the last event in Kafka order wins, a delete removes the
 * row. Every event carries its Kafka offset ({@code kafka_offset}, added by the example pipeline's InsertField
 * transform); the CDC topic has one partition, so offset order is the order of the source's commits. Replays after a
 * crash repeat a suffix of that order, so the fold is unchanged by them.
 */
public final class Lake {
    private Lake() {}

    /** The number of committed Parquet files of {@code topic} under {@code root} (the store URL's directory). */
    public static long files(Path root, String topic) {
        Path dir = root.resolve("topics").resolve(topic);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> {
                        String name = f.getFileName().toString();
                        return name.endsWith(".parquet") && !name.startsWith(".");
                    })
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** id to canonical row (see {@link OrdersTable}) of the table the change events of {@code topic} describe. */
    public static Map<Long, String> orders(Path root, String topic) throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        if (files(root, topic) == 0) {
            return rows;
        }
        String glob = root.resolve("topics").resolve(topic) + "/**/*.parquet";
        String sql = """
                SELECT id, item, qty, price, note, updated_at FROM (
                  SELECT coalesce(after.id, before.id) AS id, op, after.item AS item, after.qty AS qty,
                         after.price AS price, after.note AS note, after.updated_at AS updated_at,
                         row_number() OVER (
                           PARTITION BY coalesce(after.id, before.id) ORDER BY kafka_offset DESC) AS newest
                  FROM read_parquet('%s', union_by_name = true)
                  WHERE op IN ('r', 'c', 'u', 'd'))
                WHERE newest = 1 AND op <> 'd'
                """.formatted(glob.replace("'", "''"));
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                long id = rs.getLong(1);
                rows.put(
                        id,
                        OrdersTable.row(
                                id,
                                rs.getString(2),
                                rs.getInt(3),
                                rs.getBigDecimal(4),
                                rs.getString(5),
                                Instant.parse(rs.getString(6))));
            }
        }
        return rows;
    }
}
