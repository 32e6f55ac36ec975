package io.vertebra.connect.parquet.format;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes one non-null Connect value of a fixed schema to a Parquet {@link RecordConsumer}. A tree of writers is
 * built once per schema ({@link #forSchema}) so the per-record path does no schema dispatch.
 */
@FunctionalInterface
interface ValueWriter {
    long MILLIS_PER_DAY = 86_400_000L;

    void write(RecordConsumer consumer, Object value);

    static ValueWriter forSchema(String path, Schema schema) {
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return decimal(path, schema);
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return (c, v) -> c.addInteger((int) Math.floorDiv(millis(path, v), MILLIS_PER_DAY));
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return (c, v) -> c.addInteger((int) Math.floorMod(millis(path, v), MILLIS_PER_DAY));
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return (c, v) -> c.addLong(millis(path, v));
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32 -> (c, v) -> c.addInteger(((Number) v).intValue());
            case INT64 -> (c, v) -> c.addLong(((Number) v).longValue());
            case FLOAT32 -> (c, v) -> c.addFloat(((Number) v).floatValue());
            case FLOAT64 -> (c, v) -> c.addDouble(((Number) v).doubleValue());
            case BOOLEAN -> (c, v) -> c.addBoolean((Boolean) v);
            case STRING ->
                (c, v) -> c.addBinary(Binary.fromConstantByteArray(((String) v).getBytes(StandardCharsets.UTF_8)));
            case BYTES -> (c, v) -> c.addBinary(bytes(path, v));
            case STRUCT -> {
                StructWriter fields = new StructWriter(path, schema);
                yield (c, v) -> {
                    c.startGroup();
                    fields.writeFields(c, (Struct) v);
                    c.endGroup();
                };
            }
            case ARRAY -> list(path, schema);
            case MAP -> map(path, schema);
        };
    }

    private static ValueWriter list(String path, Schema schema) {
        String elementPath = path + "[]";
        ValueWriter element = forSchema(elementPath, schema.valueSchema());
        boolean elementOptional = schema.valueSchema().isOptional();
        return (c, v) -> {
            Collection<?> items = (Collection<?>) v;
            c.startGroup();
            if (!items.isEmpty()) {
                c.startField("list", 0);
                for (Object item : items) {
                    c.startGroup();
                    if (item != null) {
                        c.startField("element", 0);
                        element.write(c, item);
                        c.endField("element", 0);
                    } else if (!elementOptional) {
                        throw new DataException("array '" + path + "' holds a null element, but its element schema"
                                + " is not optional");
                    }
                    c.endGroup();
                }
                c.endField("list", 0);
            }
            c.endGroup();
        };
    }

    private static ValueWriter map(String path, Schema schema) {
        ValueWriter key = forSchema(path + ".key", schema.keySchema());
        ValueWriter value = forSchema(path + ".value", schema.valueSchema());
        boolean valueOptional = schema.valueSchema().isOptional();
        return (c, v) -> {
            Map<?, ?> entries = (Map<?, ?>) v;
            c.startGroup();
            if (!entries.isEmpty()) {
                c.startField("key_value", 0);
                for (Map.Entry<?, ?> entry : entries.entrySet()) {
                    if (entry.getKey() == null) {
                        throw new DataException("map '" + path + "' holds a null key; Parquet map keys are required");
                    }
                    c.startGroup();
                    c.startField("key", 0);
                    key.write(c, entry.getKey());
                    c.endField("key", 0);
                    if (entry.getValue() != null) {
                        c.startField("value", 1);
                        value.write(c, entry.getValue());
                        c.endField("value", 1);
                    } else if (!valueOptional) {
                        throw new DataException("map '" + path + "' holds a null value for key " + entry.getKey()
                                + ", but its value schema is not optional");
                    }
                    c.endGroup();
                }
                c.endField("key_value", 0);
            }
            c.endGroup();
        };
    }

    private static ValueWriter decimal(String path, Schema schema) {
        int scale = ParquetSchemas.decimalScale(schema);
        int precision = ParquetSchemas.decimalPrecision(schema);
        int width = ParquetSchemas.decimalBytes(precision);
        return (c, v) -> {
            BigInteger unscaled = unscaled(path, (BigDecimal) v, scale, precision);
            if (precision <= 9) {
                c.addInteger(unscaled.intValue());
            } else if (precision <= 18) {
                c.addLong(unscaled.longValue());
            } else {
                c.addBinary(Binary.fromConstantByteArray(fixedWidth(unscaled, width)));
            }
        };
    }

    private static BigInteger unscaled(String path, BigDecimal value, int scale, int precision) {
        BigDecimal scaled;
        try {
            scaled = value.scale() == scale ? value : value.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new DataException("decimal '" + path + "' = " + value + " does not fit scale " + scale);
        }
        if (scaled.precision() > precision) {
            throw new DataException("decimal '" + path + "' = " + value + " has " + scaled.precision()
                    + " digits; the column holds at most " + precision + " (schema parameter "
                    + ParquetSchemas.DECIMAL_PRECISION_PARAMETER + ")");
        }
        return scaled.unscaledValue();
    }

    /** Big-endian two's complement, sign-extended to {@code width} bytes. */
    private static byte[] fixedWidth(BigInteger unscaled, int width) {
        byte[] minimal = unscaled.toByteArray();
        if (minimal.length == width) {
            return minimal;
        }
        byte[] out = new byte[width];
        byte fill = unscaled.signum() < 0 ? (byte) 0xFF : 0;
        int pad = width - minimal.length;
        for (int i = 0; i < pad; i++) {
            out[i] = fill;
        }
        System.arraycopy(minimal, 0, out, pad, minimal.length);
        return out;
    }

    private static long millis(String path, Object value) {
        if (value instanceof java.util.Date date) {
            return date.getTime();
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new DataException("field '" + path + "' holds a "
                + value.getClass().getSimpleName() + "; its logical type needs a java.util.Date");
    }

    private static Binary bytes(String path, Object value) {
        if (value instanceof byte[] array) {
            return Binary.fromConstantByteArray(array);
        }
        if (value instanceof ByteBuffer buffer) {
            return Binary.fromConstantByteBuffer(buffer.duplicate());
        }
        throw new DataException("field '" + path + "' holds a "
                + value.getClass().getSimpleName() + "; a BYTES field needs byte[] or ByteBuffer");
    }

    /** The fields of one struct schema, written in schema order; null optional fields are left out. */
    final class StructWriter {
        private final Field[] fields;
        private final String[] names;
        private final String[] paths;
        private final boolean[] optional;
        private final ValueWriter[] writers;

        StructWriter(String path, Schema schema) {
            List<Field> list = schema.fields();
            int n = list.size();
            fields = list.toArray(Field[]::new);
            names = new String[n];
            paths = new String[n];
            optional = new boolean[n];
            writers = new ValueWriter[n];
            for (int i = 0; i < n; i++) {
                names[i] = fields[i].name();
                paths[i] = path.isEmpty() ? names[i] : path + "." + names[i];
                optional[i] = fields[i].schema().isOptional();
                writers[i] = forSchema(paths[i], fields[i].schema());
            }
        }

        void writeFields(RecordConsumer consumer, Struct struct) {
            for (int i = 0; i < fields.length; i++) {
                Object value = struct.get(fields[i]);
                if (value == null) {
                    if (!optional[i]) {
                        throw new DataException("field '" + paths[i] + "' is null, but its schema is not optional");
                    }
                    continue;
                }
                consumer.startField(names[i], i);
                writers[i].write(consumer, value);
                consumer.endField(names[i], i);
            }
        }
    }
}
