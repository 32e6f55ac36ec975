package io.vertebra.connect.jdbc.write;

import io.vertebra.connect.jdbc.record.Column;
import io.vertebra.connect.jdbc.record.RowChange;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.List;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Streams rows to PostgreSQL with {@code COPY ... FROM STDIN} in text format: tab-separated columns, {@code \N}
 * for NULL, backslash escapes for backslash, tab, newline and carriage return. Rows are encoded into a reusable
 * buffer and sent in chunks of about a megabyte, so a batch never needs all its text in memory at once.
 *
 * <p>One instance per task; used by the task thread only.
 */
final class CopyText {
    private static final int CHUNK_CHARS = 1 << 20;

    private final ZoneId dbZone;
    private final StringBuilder buffer = new StringBuilder(CHUNK_CHARS + 4096);

    CopyText(ZoneId dbZone) {
        this.dbZone = dbZone;
    }

    /**
     * Copies the first {@code columnCount} values of each change into {@code copySql}'s table ({@code COPY t (cols)
     * FROM STDIN}); returns the number of rows PostgreSQL reports.
     */
    long copy(CopyManager copyManager, String copySql, List<RowChange> rows, List<Column> columns) throws SQLException {
        CopyIn copy = copyManager.copyIn(copySql);
        try {
            buffer.setLength(0);
            for (RowChange row : rows) {
                appendRow(row, columns);
                if (buffer.length() >= CHUNK_CHARS) {
                    send(copy);
                }
            }
            send(copy);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private void send(CopyIn copy) throws SQLException {
        if (buffer.length() > 0) {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            buffer.setLength(0);
        }
    }

    private void appendRow(RowChange row, List<Column> columns) {
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                buffer.append('\t');
            }
            Object value = row.value(i);
            if (value == null) {
                buffer.append("\\N");
                continue;
            }
            Column column = columns.get(i);
            int start = buffer.length();
            column.type().appendText(buffer, column.schema(), value, dbZone);
            escapeFrom(start);
        }
        buffer.append('\n');
    }

    /** Escapes the text appended since {@code start}; most values hold no special character and are left alone. */
    private void escapeFrom(int start) {
        int end = buffer.length();
        int first = -1;
        for (int i = start; i < end; i++) {
            char c = buffer.charAt(i);
            if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return;
        }
        String tail = buffer.substring(first, end);
        buffer.setLength(first);
        for (int i = 0; i < tail.length(); i++) {
            char c = tail.charAt(i);
            switch (c) {
                case '\\' -> buffer.append("\\\\");
                case '\t' -> buffer.append("\\t");
                case '\n' -> buffer.append("\\n");
                case '\r' -> buffer.append("\\r");
                default -> buffer.append(c);
            }
        }
    }
}
