package io.vertebra.connect.parquet.format;

import java.math.BigInteger;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * Maps a Connect value schema to a Parquet schema, using only standard logical types so any reader
 * (parquet-mr, pyarrow, DuckDB, Spark) understands the files:
 *
 * <pre>
 * Connect                      Parquet
 * INT8 / INT16 / INT32         INT32 (INT(8|16|32, signed))
 * INT64                        INT64
 * FLOAT32 / FLOAT64            FLOAT / DOUBLE
 * BOOLEAN                      BOOLEAN
 * STRING                       BINARY (STRING)
 * BYTES                        BINARY
 * Decimal(scale)               INT32 / INT64 / FIXED_LEN_BYTE_ARRAY (DECIMAL(precision, scale)); precision from
 *                              the schema parameter connect.decimal.precision, else 38
 * Date                         INT32 (DATE)
 * Time                         INT32 (TIME(MILLIS, UTC))
 * Timestamp                    INT64 (TIMESTAMP(MILLIS, UTC))
 * STRUCT                       group
 * ARRAY                        3-level LIST: group (LIST) { repeated group list { element } }
 * MAP                          MAP: group (MAP) { repeated group key_value { required key; value } }
 * </pre>
 *
 * Optional Connect schemas become optional Parquet fields. A struct value's fields are the top-level columns;
 * any other value schema is written as one column named {@code value}.
 */
public final class ParquetSchemas {
    /** Schema parameter Confluent's and Debezium's converters use for a decimal's precision. */
    public static final String DECIMAL_PRECISION_PARAMETER = "connect.decimal.precision";

    public static final int DEFAULT_DECIMAL_PRECISION = 38;
    static final String VALUE_COLUMN = "value";
    private static final String MESSAGE_NAME = "connect_record";

    private ParquetSchemas() {}

    public static MessageType messageType(Schema valueSchema) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        if (valueSchema.type() == Schema.Type.STRUCT) {
            if (valueSchema.fields().isEmpty()) {
                throw new DataException("the record value schema " + describe(valueSchema)
                        + " is a struct without fields; Parquet needs at least one column");
            }
            for (Field field : valueSchema.fields()) {
                message.addField(type(field.name(), field.schema()));
            }
        } else {
            message.addField(type(VALUE_COLUMN, valueSchema));
        }
        return message.named(MESSAGE_NAME);
    }

    static Type type(String name, Schema schema) {
        Repetition repetition = schema.isOptional() ? Repetition.OPTIONAL : Repetition.REQUIRED;
        return type(name, schema, repetition);
    }

    private static Type type(String name, Schema schema, Repetition repetition) {
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    return decimal(name, schema, repetition);
                }
                case Date.LOGICAL_NAME -> {
                    return Types.primitive(PrimitiveTypeName.INT32, repetition)
                            .as(LogicalTypeAnnotation.dateType())
                            .named(name);
                }
                case Time.LOGICAL_NAME -> {
                    return Types.primitive(PrimitiveTypeName.INT32, repetition)
                            .as(LogicalTypeAnnotation.timeType(true, TimeUnit.MILLIS))
                            .named(name);
                }
                case Timestamp.LOGICAL_NAME -> {
                    return Types.primitive(PrimitiveTypeName.INT64, repetition)
                            .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MILLIS))
                            .named(name);
                }
                default -> {
                    // another named schema (e.g. a Debezium semantic type): mapped by its physical type
                }
            }
        }
        return switch (schema.type()) {
            case INT8 ->
                Types.primitive(PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.intType(8, true))
                        .named(name);
            case INT16 ->
                Types.primitive(PrimitiveTypeName.INT32, repetition)
                        .as(LogicalTypeAnnotation.intType(16, true))
                        .named(name);
            case INT32 -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
            case INT64 -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
            case FLOAT32 -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
            case FLOAT64 ->
                Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
            case BOOLEAN ->
                Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
            case STRING ->
                Types.primitive(PrimitiveTypeName.BINARY, repetition)
                        .as(LogicalTypeAnnotation.stringType())
                        .named(name);
            case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
            case STRUCT -> struct(name, schema, repetition);
            case ARRAY ->
                Types.buildGroup(repetition)
                        .as(LogicalTypeAnnotation.listType())
                        .addField(Types.repeatedGroup()
                                .addField(type("element", schema.valueSchema()))
                                .named("list"))
                        .named(name);
            case MAP ->
                Types.buildGroup(repetition)
                        .as(LogicalTypeAnnotation.mapType())
                        .addField(Types.repeatedGroup()
                                .addField(type("key", schema.keySchema(), Repetition.REQUIRED))
                                .addField(type("value", schema.valueSchema()))
                                .named("key_value"))
                        .named(name);
        };
    }

    private static Type struct(String name, Schema schema, Repetition repetition) {
        if (schema.fields().isEmpty()) {
            throw new DataException("field '" + name + "' is a struct without fields (" + describe(schema)
                    + "); Parquet cannot store an empty group");
        }
        Types.GroupBuilder<org.apache.parquet.schema.GroupType> group = Types.buildGroup(repetition);
        for (Field field : schema.fields()) {
            group.addField(type(field.name(), field.schema()));
        }
        return group.named(name);
    }

    private static Type decimal(String name, Schema schema, Repetition repetition) {
        int scale = decimalScale(schema);
        int precision = decimalPrecision(schema);
        if (precision < 1 || scale > precision) {
            throw new DataException("field '" + name + "' is a decimal with precision " + precision + " and scale "
                    + scale + "; Parquet needs 1 <= precision and scale <= precision");
        }
        LogicalTypeAnnotation annotation = LogicalTypeAnnotation.decimalType(scale, precision);
        if (precision <= 9) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition)
                    .as(annotation)
                    .named(name);
        }
        if (precision <= 18) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(annotation)
                    .named(name);
        }
        return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition)
                .length(decimalBytes(precision))
                .as(annotation)
                .named(name);
    }

    static int decimalScale(Schema schema) {
        String scale = schema.parameters() == null ? null : schema.parameters().get(Decimal.SCALE_FIELD);
        if (scale == null) {
            throw new DataException(
                    "decimal schema " + describe(schema) + " has no '" + Decimal.SCALE_FIELD + "' parameter");
        }
        return Integer.parseInt(scale);
    }

    static int decimalPrecision(Schema schema) {
        String precision =
                schema.parameters() == null ? null : schema.parameters().get(DECIMAL_PRECISION_PARAMETER);
        return precision == null ? DEFAULT_DECIMAL_PRECISION : Integer.parseInt(precision);
    }

    /** Bytes of a two's-complement integer able to hold every unscaled value of {@code precision} digits. */
    static int decimalBytes(int precision) {
        int bits = BigInteger.TEN.pow(precision).subtract(BigInteger.ONE).bitLength() + 1;
        return (bits + 7) / 8;
    }

    static String describe(Schema schema) {
        return schema.name() == null ? schema.type().toString() : schema.name() + " (" + schema.type() + ")";
    }
}
