package io.vertebra.connect.parquet.partition;

import java.util.List;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * {@code <field>=<value>/...} from the configured value fields, in order. Values are strings, numbers or
 * booleans; characters that would change the path or confuse Hive ({@code / = % :} and others) are escaped as
 * {@code %XX} like Hive does; a null value is written {@code null}.
 */
public final class FieldPartitioner implements Partitioner {
    private final List<FieldPath> paths;

    public FieldPartitioner(List<String> fields) {
        this.paths = fields.stream().map(FieldPath::new).toList();
    }

    @Override
    public String directoryFor(SinkRecord record) {
        StringBuilder dir = new StringBuilder();
        for (FieldPath path : paths) {
            Object value = path.valueIn(record);
            if (value != null
                    && !(value instanceof String)
                    && !(value instanceof Number)
                    && !(value instanceof Boolean)) {
                throw new DataException("field '" + path.dotted() + "' of record " + record.topic() + "-"
                        + record.kafkaPartition() + "@" + record.kafkaOffset() + " is a "
                        + value.getClass().getSimpleName()
                        + "; the field partitioner needs a string, number or boolean field");
            }
            if (dir.length() > 0) {
                dir.append('/');
            }
            dir.append(escape(path.dotted())).append('=').append(escape(String.valueOf(value)));
        }
        return dir.toString();
    }

    static String escape(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean special = c < 0x20 || c == 0x7F || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0;
            if (special) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append('%').append(String.format("%02X", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        if (out == null) {
            return text.isEmpty() || text.equals(".") || text.equals("..") ? "%2E" + text : text;
        }
        return out.toString();
    }
}
