package io.vertebra.bench.jdbc;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The ceiling: the benchmark's final rows written straight into an empty table with the same primary key by one
 * {@code COPY ... FROM STDIN}, from this JVM, with no Kafka and no Connect in between.
 */
final class CopyBaseline {
    private CopyBaseline() {}

    /** Copies {@code rows} rows (id, seq, name) and returns rows per second. */
    static double run(String jdbcUrl, String table, int rows) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, seq bigint NOT NULL, name text)");
            long start = System.nanoTime();
            CopyIn copy = connection
                    .unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyIn("COPY " + table + " (id, seq, name) FROM STDIN");
            StringBuilder chunk = new StringBuilder(1 << 20);
            for (int i = 0; i < rows; i++) {
                chunk.append(i)
                        .append('\t')
                        .append(i + rows)
                        .append('\t')
                        .append('n')
                        .append(i + rows)
                        .append('\n');
                if (chunk.length() > (1 << 20) - 64 || i == rows - 1) {
                    byte[] bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
                    copy.writeToCopy(bytes, 0, bytes.length);
                    chunk.setLength(0);
                }
            }
            copy.endCopy();
            double seconds = (System.nanoTime() - start) / 1e9;
            return rows / seconds;
        }
    }
}
