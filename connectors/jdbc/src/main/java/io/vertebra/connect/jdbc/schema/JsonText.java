package io.vertebra.connect.jdbc.schema;

import java.time.ZoneId;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Writes a Connect value (struct, map, array or primitive) as JSON text for a {@code jsonb} column. Structs become
 * objects by field name, maps become objects (keys as text), bytes become base64 strings, logical types their
 * PostgreSQL text form as JSON strings. Stateless.
 */
final class JsonText {
    private JsonText() {}

    static void append(StringBuilder out, Schema schema, Object value, ZoneId dbZone) {
        if (value == null) {
            out.append("null");
            return;
        }
        ColumnType type = schema == null ? null : ColumnType.of(schema);
        if (value instanceof Struct struct) {
            if (type == ColumnType.VARIABLE_SCALE_DECIMAL) {
                out.append(ColumnType.variableScaleDecimal(struct).toPlainString());
                return;
            }
            out.append('{');
            boolean first = true;
            for (Field field : struct.schema().fields()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(out, field.name());
                out.append(':');
                append(out, field.schema(), struct.get(field), dbZone);
            }
            out.append('}');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                appendString(out, String.valueOf(e.getKey()));
                out.append(':');
                append(out, schema == null ? null : schema.valueSchema(), e.getValue(), dbZone);
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                append(out, schema == null ? null : schema.valueSchema(), list.get(i), dbZone);
            }
            out.append(']');
        } else if (value instanceof Boolean
                || value instanceof Byte
                || value instanceof Short
                || value instanceof Integer
                || value instanceof Long) {
            if (type == null
                    || type == ColumnType.INT16
                    || type == ColumnType.INT32
                    || type == ColumnType.INT64
                    || type == ColumnType.BOOLEAN) {
                out.append(value);
            } else {
                appendAsText(out, type, schema, value, dbZone);
            }
        } else if (value instanceof Float || value instanceof Double) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                appendString(out, value.toString());
            } else {
                out.append(value);
            }
        } else if (value instanceof java.math.BigDecimal decimal) {
            out.append(decimal.toPlainString());
        } else if (value instanceof byte[] || value instanceof java.nio.ByteBuffer) {
            appendString(out, Base64.getEncoder().encodeToString(ColumnType.bytes(value)));
        } else if (type != null) {
            appendAsText(out, type, schema, value, dbZone);
        } else {
            appendString(out, value.toString());
        }
    }

    private static void appendAsText(StringBuilder out, ColumnType type, Schema schema, Object value, ZoneId zone) {
        StringBuilder text = new StringBuilder();
        type.appendText(text, schema, value, zone);
        appendString(out, text);
    }

    static void appendString(StringBuilder out, CharSequence s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
