package io.vertebra.connect.file.source.parse;

import java.util.Locale;
import org.apache.kafka.connect.data.Schema;

/** One CSV column as configured in {@code csv.columns}: {@code name} or {@code name:type}. */
public record CsvColumn(String name, Type type) {
    /** The column types a CSV field can be converted to. */
    public enum Type {
        STRING(Schema.OPTIONAL_STRING_SCHEMA),
        INT32(Schema.OPTIONAL_INT32_SCHEMA),
        INT64(Schema.OPTIONAL_INT64_SCHEMA),
        FLOAT64(Schema.OPTIONAL_FLOAT64_SCHEMA),
        BOOLEAN(Schema.OPTIONAL_BOOLEAN_SCHEMA);

        private final Schema schema;

        Type(Schema schema) {
            this.schema = schema;
        }

        public Schema schema() {
            return schema;
        }
    }

    /** Parses {@code name} or {@code name:type}; the message of the exception says what is valid. */
    public static CsvColumn parse(String spec) {
        String text = spec.trim();
        int colon = text.lastIndexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon).trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("column '" + spec + "' has no name; write name or name:type");
        }
        if (colon < 0) {
            return new CsvColumn(name, Type.STRING);
        }
        String type = text.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
        try {
            return new CsvColumn(name, Type.valueOf(type));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column '" + spec + "' has type '"
                    + text.substring(colon + 1).trim() + "'; the types are string, int32, int64, float64, boolean");
        }
    }

    /** The field value of {@code text}, null for null or an empty field. */
    Object convert(String text) throws EventParseException {
        if (text == null || (text.isEmpty() && type != Type.STRING)) {
            return null;
        }
        try {
            return switch (type) {
                case STRING -> text;
                case INT32 -> Integer.parseInt(text.trim());
                case INT64 -> Long.parseLong(text.trim());
                case FLOAT64 -> Double.parseDouble(text.trim());
                case BOOLEAN -> parseBoolean(text.trim());
            };
        } catch (NumberFormatException e) {
            throw new EventParseException(
                    "column " + name + " is " + type.name().toLowerCase(Locale.ROOT) + " but holds '" + text + "'");
        }
    }

    private Boolean parseBoolean(String text) throws EventParseException {
        if (text.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        if (text.equalsIgnoreCase("false")) {
            return Boolean.FALSE;
        }
        throw new EventParseException("column " + name + " is boolean (true or false) but holds '" + text + "'");
    }
}
