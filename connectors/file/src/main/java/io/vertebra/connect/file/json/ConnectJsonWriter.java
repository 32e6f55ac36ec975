package io.vertebra.connect.file.json;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Writes a Connect value as plain JSON (no schema envelope): structs and maps as objects, arrays as arrays, bytes as
 * base64, decimals as numbers, and the Date, Time and Timestamp logical types as ISO-8601 strings (UTC). Values without
 * a schema are written by their Java type. Stateless and thread-safe.
 */
public final class ConnectJsonWriter {
    private ConnectJsonWriter() {}

    public static void write(JsonGenerator out, Schema schema, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (schema == null) {
            writeSchemaless(out, value);
        } else if (schema.name() != null && writeLogical(out, schema.name(), value)) {
            // written as its logical type
        } else {
            switch (schema.type()) {
                case STRUCT -> writeStruct(out, (Struct) value);
                case ARRAY -> {
                    out.writeStartArray();
                    for (Object element : (Collection<?>) value) {
                        write(out, schema.valueSchema(), element);
                    }
                    out.writeEndArray();
                }
                case MAP -> {
                    out.writeStartObject();
                    for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                        out.writeFieldName(String.valueOf(entry.getKey()));
                        write(out, schema.valueSchema(), entry.getValue());
                    }
                    out.writeEndObject();
                }
                default -> writeSchemaless(out, value);
            }
        }
    }

    private static void writeStruct(JsonGenerator out, Struct struct) throws IOException {
        out.writeStartObject();
        for (Field field : struct.schema().fields()) {
            out.writeFieldName(field.name());
            write(out, field.schema(), struct.get(field));
        }
        out.writeEndObject();
    }

    private static boolean writeLogical(JsonGenerator out, String name, Object value) throws IOException {
        switch (name) {
            case Decimal.LOGICAL_NAME -> out.writeNumber((BigDecimal) value);
            case Date.LOGICAL_NAME ->
                out.writeString(LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC)
                        .toString());
            case Time.LOGICAL_NAME ->
                out.writeString(LocalTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC)
                        .toString());
            case Timestamp.LOGICAL_NAME ->
                out.writeString(((java.util.Date) value).toInstant().toString());
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void writeSchemaless(JsonGenerator out, Object value) throws IOException {
        if (value instanceof String s) {
            out.writeString(s);
        } else if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.writeNumber(((Number) value).intValue());
        } else if (value instanceof Long l) {
            out.writeNumber(l);
        } else if (value instanceof Double d) {
            out.writeNumber(d);
        } else if (value instanceof Float f) {
            out.writeNumber(f);
        } else if (value instanceof BigDecimal d) {
            out.writeNumber(d);
        } else if (value instanceof Number n) {
            out.writeNumber(n.toString());
        } else if (value instanceof Boolean b) {
            out.writeBoolean(b);
        } else if (value instanceof byte[] bytes) {
            out.writeBinary(bytes);
        } else if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            out.writeBinary(bytes);
        } else if (value instanceof Struct struct) {
            writeStruct(out, struct);
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                write(out, null, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof Collection<?> list) {
            out.writeStartArray();
            for (Object element : list) {
                write(out, null, element);
            }
            out.writeEndArray();
        } else if (value instanceof java.util.Date date) {
            out.writeString(date.toInstant().toString());
        } else if (value instanceof Instant instant) {
            out.writeString(instant.toString());
        } else {
            out.writeString(value.toString());
        }
    }
}
