package io.vertebra.connect.jdbc.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.BitSet;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * How one Connect field becomes one PostgreSQL column: the column type {@code auto.create} declares, and the text
 * form of a value as PostgreSQL's input functions read it (COPY's text format, before COPY escaping).
 *
 * <p>Classified once per field schema by {@link #of(Schema)}: Connect's logical types and Debezium's semantic types
 * (recognized by schema name, so the plugin needs no Debezium jar) come first, then the plain Connect types.
 * Stateless; safe from any thread.
 */
public enum ColumnType {
    INT16("smallint"),
    INT32("integer"),
    INT64("bigint"),
    FLOAT32("real"),
    FLOAT64("double precision"),
    BOOLEAN("boolean"),
    TEXT("text"),
    BYTES("bytea"),
    /** Connect Decimal: BigDecimal. */
    DECIMAL("numeric"),
    /** Connect Date: java.util.Date at midnight UTC. */
    DATE("date"),
    /** Connect Time: java.util.Date, milliseconds after midnight UTC. */
    TIME("time"),
    /** Connect Timestamp: java.util.Date; written as wall-clock time in db.timezone. */
    TIMESTAMP("timestamp"),
    /** Debezium Date: int32 days since the epoch. */
    EPOCH_DAYS("date"),
    /** Debezium Time: int32 milliseconds after midnight. */
    MILLIS_OF_DAY("time"),
    /** Debezium MicroTime: int64 microseconds after midnight. */
    MICROS_OF_DAY("time"),
    /** Debezium NanoTime: int64 nanoseconds after midnight. */
    NANOS_OF_DAY("time"),
    /** Debezium Timestamp: int64 epoch milliseconds of a wall-clock time (no zone). */
    EPOCH_MILLIS("timestamp"),
    /** Debezium MicroTimestamp: int64 epoch microseconds of a wall-clock time. */
    EPOCH_MICROS("timestamp"),
    /** Debezium NanoTimestamp: int64 epoch nanoseconds of a wall-clock time. */
    EPOCH_NANOS("timestamp"),
    /** Debezium ZonedTimestamp: ISO-8601 string with an offset. */
    ZONED_TIMESTAMP("timestamptz"),
    /** Debezium ZonedTime: ISO-8601 time string with an offset. */
    ZONED_TIME("timetz"),
    /** Debezium IsoDate / IsoTime / IsoTimestamp: ISO-8601 strings. */
    ISO_DATE("date"),
    ISO_TIME("time"),
    ISO_TIMESTAMP("timestamp"),
    /** Debezium MicroDuration: int64 microseconds. */
    MICRO_DURATION("interval"),
    /** Debezium Interval: ISO-8601 duration string. */
    ISO_INTERVAL("interval"),
    /** Debezium VariableScaleDecimal: struct {scale int32, value bytes}. */
    VARIABLE_SCALE_DECIMAL("numeric"),
    UUID("uuid"),
    JSON("jsonb"),
    XML("xml"),
    /** Debezium Bits: bytes holding a bit string, least significant bit first. */
    BITS("bit varying"),
    /** An array of non-composite elements. */
    ARRAY(null),
    /** Maps, structs and arrays of composites, written as JSON. */
    JSON_DOCUMENT("jsonb");

    private final String sqlType;

    ColumnType(String sqlType) {
        this.sqlType = sqlType;
    }

    /** Classifies a field schema. */
    public static ColumnType of(Schema schema) {
        String name = schema.name();
        if (name != null) {
            ColumnType named = byName(name);
            if (named != null) {
                return named;
            }
        }
        return switch (schema.type()) {
            case INT8, INT16 -> INT16;
            case INT32 -> INT32;
            case INT64 -> INT64;
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
            case BOOLEAN -> BOOLEAN;
            case STRING -> TEXT;
            case BYTES -> BYTES;
            case ARRAY -> isComposite(schema.valueSchema()) ? JSON_DOCUMENT : ARRAY;
            case MAP, STRUCT -> JSON_DOCUMENT;
        };
    }

    private static ColumnType byName(String name) {
        return switch (name) {
            case Decimal.LOGICAL_NAME -> DECIMAL;
            case Date.LOGICAL_NAME -> DATE;
            case Time.LOGICAL_NAME -> TIME;
            case Timestamp.LOGICAL_NAME -> TIMESTAMP;
            case "io.debezium.time.Date" -> EPOCH_DAYS;
            case "io.debezium.time.Time" -> MILLIS_OF_DAY;
            case "io.debezium.time.MicroTime" -> MICROS_OF_DAY;
            case "io.debezium.time.NanoTime" -> NANOS_OF_DAY;
            case "io.debezium.time.Timestamp" -> EPOCH_MILLIS;
            case "io.debezium.time.MicroTimestamp" -> EPOCH_MICROS;
            case "io.debezium.time.NanoTimestamp" -> EPOCH_NANOS;
            case "io.debezium.time.ZonedTimestamp" -> ZONED_TIMESTAMP;
            case "io.debezium.time.ZonedTime" -> ZONED_TIME;
            case "io.debezium.time.IsoDate" -> ISO_DATE;
            case "io.debezium.time.IsoTime" -> ISO_TIME;
            case "io.debezium.time.IsoTimestamp" -> ISO_TIMESTAMP;
            case "io.debezium.time.Year" -> INT32;
            case "io.debezium.time.MicroDuration" -> MICRO_DURATION;
            case "io.debezium.time.Interval" -> ISO_INTERVAL;
            case "io.debezium.data.VariableScaleDecimal" -> VARIABLE_SCALE_DECIMAL;
            case "io.debezium.data.Uuid" -> UUID;
            case "io.debezium.data.Json" -> JSON;
            case "io.debezium.data.Xml" -> XML;
            case "io.debezium.data.Bits" -> BITS;
            case "io.debezium.data.Enum", "io.debezium.data.EnumSet", "io.debezium.data.Ltree" -> TEXT;
            default -> null;
        };
    }

    private static boolean isComposite(Schema element) {
        ColumnType type = of(element);
        return type == ARRAY || type == JSON_DOCUMENT || type == VARIABLE_SCALE_DECIMAL;
    }

    /** The PostgreSQL column type for a field of this schema, e.g. {@code bigint} or {@code text[]}. */
    public static String sqlType(Schema schema) {
        ColumnType type = of(schema);
        if (type == ARRAY) {
            return of(schema.valueSchema()).sqlType + "[]";
        }
        return type.sqlType;
    }

    /**
     * Appends the PostgreSQL text form of a non-null {@code value} of {@code schema}. {@code dbZone} applies to
     * Connect timestamps only (they carry no zone); Debezium's wall-clock types are written as they are.
     */
    public void appendText(StringBuilder out, Schema schema, Object value, ZoneId dbZone) {
        switch (this) {
            case INT16, INT32, INT64, DECIMAL ->
                out.append(value instanceof BigDecimal d ? d.toPlainString() : value.toString());
            case FLOAT32, FLOAT64 -> appendFloat(out, ((Number) value).doubleValue(), value);
            case BOOLEAN -> out.append(((Boolean) value) ? 't' : 'f');
            case TEXT, UUID, JSON, XML, ZONED_TIMESTAMP, ZONED_TIME, ISO_DATE, ISO_TIME, ISO_TIMESTAMP, ISO_INTERVAL ->
                out.append(value.toString());
            case BYTES -> appendHex(out, bytes(value));
            case DATE ->
                appendDate(out, LocalDate.ofEpochDay(Math.floorDiv(((java.util.Date) value).getTime(), 86_400_000L)));
            case TIME -> appendTimeOfDay(out, ((java.util.Date) value).getTime() * 1_000_000L);
            case TIMESTAMP ->
                appendDateTime(
                        out, LocalDateTime.ofInstant(Instant.ofEpochMilli(((java.util.Date) value).getTime()), dbZone));
            case EPOCH_DAYS -> appendDate(out, LocalDate.ofEpochDay(((Number) value).longValue()));
            case MILLIS_OF_DAY -> appendTimeOfDay(out, ((Number) value).longValue() * 1_000_000L);
            case MICROS_OF_DAY -> appendTimeOfDay(out, ((Number) value).longValue() * 1_000L);
            case NANOS_OF_DAY -> appendTimeOfDay(out, ((Number) value).longValue());
            case EPOCH_MILLIS -> appendDateTime(out, wallClock(((Number) value).longValue(), 1_000L));
            case EPOCH_MICROS -> appendDateTime(out, wallClock(((Number) value).longValue(), 1_000_000L));
            case EPOCH_NANOS -> appendDateTime(out, wallClock(((Number) value).longValue(), 1_000_000_000L));
            case MICRO_DURATION -> out.append(((Number) value).longValue()).append(" microseconds");
            case VARIABLE_SCALE_DECIMAL ->
                out.append(variableScaleDecimal((Struct) value).toPlainString());
            case BITS -> appendBits(out, schema, bytes(value));
            case ARRAY -> appendArray(out, schema, (List<?>) value, dbZone);
            case JSON_DOCUMENT -> JsonText.append(out, schema, value, dbZone);
        }
    }

    private static void appendFloat(StringBuilder out, double d, Object value) {
        if (Double.isNaN(d)) {
            out.append("NaN");
        } else if (Double.isInfinite(d)) {
            out.append(d > 0 ? "Infinity" : "-Infinity");
        } else {
            out.append(value.toString());
        }
    }

    static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void appendHex(StringBuilder out, byte[] bytes) {
        out.append("\\x");
        for (byte b : bytes) {
            out.append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
        }
    }

    private static LocalDateTime wallClock(long value, long unitsPerSecond) {
        long seconds = Math.floorDiv(value, unitsPerSecond);
        long nanos = Math.floorMod(value, unitsPerSecond) * (1_000_000_000L / unitsPerSecond);
        return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
    }

    private static void appendDateTime(StringBuilder out, LocalDateTime time) {
        int year = time.getYear();
        if (year <= 0) {
            // PostgreSQL writes years before 1 as "<year> BC" with 1 BC = ISO year 0
            out.append(time.withYear(1 - year)).append(" BC");
        } else {
            out.append(time);
        }
    }

    private static void appendDate(StringBuilder out, LocalDate date) {
        int year = date.getYear();
        if (year <= 0) {
            out.append(date.withYear(1 - year)).append(" BC");
        } else {
            out.append(date);
        }
    }

    private static void appendTimeOfDay(StringBuilder out, long nanosOfDay) {
        if (nanosOfDay == 86_400_000_000_000L) {
            out.append("24:00:00"); // PostgreSQL's time allows the end of the day
        } else {
            out.append(LocalTime.ofNanoOfDay(nanosOfDay));
        }
    }

    /** Debezium's VariableScaleDecimal: a struct of the scale and the unscaled value's two's-complement bytes. */
    static BigDecimal variableScaleDecimal(Struct value) {
        int scale = value.getInt32("scale");
        byte[] unscaled = bytes(value.get("value"));
        return new BigDecimal(new BigInteger(unscaled), scale);
    }

    private static void appendBits(StringBuilder out, Schema schema, byte[] bytes) {
        BitSet bits = BitSet.valueOf(bytes);
        int length = bytes.length * 8;
        if (schema.parameters() != null && schema.parameters().containsKey("length")) {
            length = Integer.parseInt(schema.parameters().get("length"));
        }
        for (int i = length - 1; i >= 0; i--) {
            out.append(bits.get(i) ? '1' : '0');
        }
    }

    private static void appendArray(StringBuilder out, Schema schema, List<?> values, ZoneId dbZone) {
        Schema elementSchema = schema.valueSchema();
        ColumnType element = of(elementSchema);
        StringBuilder item = new StringBuilder();
        out.append('{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object v = values.get(i);
            if (v == null) {
                out.append("NULL");
                continue;
            }
            item.setLength(0);
            element.appendText(item, elementSchema, v, dbZone);
            out.append('"');
            for (int c = 0; c < item.length(); c++) {
                char ch = item.charAt(c);
                if (ch == '"' || ch == '\\') {
                    out.append('\\');
                }
                out.append(ch);
            }
            out.append('"');
        }
        out.append('}');
    }
}
