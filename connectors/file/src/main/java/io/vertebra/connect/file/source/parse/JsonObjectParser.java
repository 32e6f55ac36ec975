package io.vertebra.connect.file.source.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.vertebra.connect.file.json.ConnectJsonWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.SchemaBuilderException;

/**
 * A JSON object as a struct whose schema is inferred from the object itself: objects become optional structs (fields
 * in the order they appear), strings STRING, integers INT64, other numbers FLOAT64, booleans BOOLEAN, null an optional
 * STRING holding null, arrays an ARRAY of the elements' common schema. Arrays mixing integers and decimals become
 * FLOAT64 arrays; arrays mixing other kinds become arrays of the elements' JSON text. Every schema is optional, so a
 * field that is null in one event and set in the next keeps its type. Events of the same shape share one schema
 * instance ({@link InferredSchemas}). Used by one task thread.
 */
public final class JsonObjectParser implements EventParser {
    private static final JsonFactory FACTORY = new JsonFactory();
    private final InferredSchemas schemas = new InferredSchemas();

    @Override
    public SchemaAndValue parse(String event) throws EventParseException {
        try (com.fasterxml.jackson.core.JsonParser parser = FACTORY.createParser(event)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new EventParseException("is not a JSON object (it starts with "
                        + (first == null ? "nothing" : first.asString() == null ? first.name() : first.asString())
                        + ")");
            }
            SchemaAndValue value = readObject(parser);
            if (parser.nextToken() != null) {
                throw new EventParseException("has more text after the JSON object");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new EventParseException("is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from a String does not fail with I/O errors
        }
    }

    private SchemaAndValue readValue(com.fasterxml.jackson.core.JsonParser parser, JsonToken token)
            throws IOException, EventParseException {
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, parser.getText());
            case VALUE_NUMBER_INT ->
                parser.getNumberType() == com.fasterxml.jackson.core.JsonParser.NumberType.BIG_INTEGER
                        ? new SchemaAndValue(Schema.OPTIONAL_FLOAT64_SCHEMA, parser.getDoubleValue())
                        : new SchemaAndValue(Schema.OPTIONAL_INT64_SCHEMA, parser.getLongValue());
            case VALUE_NUMBER_FLOAT -> new SchemaAndValue(Schema.OPTIONAL_FLOAT64_SCHEMA, parser.getDoubleValue());
            case VALUE_TRUE -> new SchemaAndValue(Schema.OPTIONAL_BOOLEAN_SCHEMA, Boolean.TRUE);
            case VALUE_FALSE -> new SchemaAndValue(Schema.OPTIONAL_BOOLEAN_SCHEMA, Boolean.FALSE);
            case VALUE_NULL -> new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, null);
            default -> throw new EventParseException("has an unexpected " + token);
        };
    }

    private SchemaAndValue readObject(com.fasterxml.jackson.core.JsonParser parser)
            throws IOException, EventParseException {
        List<String> names = new ArrayList<>();
        List<SchemaAndValue> values = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            names.add(parser.currentName());
            values.add(readValue(parser, parser.nextToken()));
        }
        List<Schema> fieldSchemas = new ArrayList<>(values.size());
        values.forEach(v -> fieldSchemas.add(v.schema()));
        Schema schema;
        try {
            schema = schemas.struct(names, fieldSchemas);
        } catch (SchemaBuilderException e) { // the only way building fails: a field name used twice
            throw new EventParseException("has a field twice: " + e.getMessage());
        }
        Struct struct = new Struct(schema);
        for (int i = 0; i < names.size(); i++) {
            struct.put(schema.fields().get(i), values.get(i).value());
        }
        return new SchemaAndValue(schema, struct);
    }

    private SchemaAndValue readArray(com.fasterxml.jackson.core.JsonParser parser)
            throws IOException, EventParseException {
        List<SchemaAndValue> elements = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            elements.add(readValue(parser, token));
        }
        Schema common = null;
        boolean same = true;
        boolean numbers = true;
        for (SchemaAndValue element : elements) {
            if (element.value() == null) {
                continue; // null fits every optional schema
            }
            Schema schema = element.schema();
            numbers &= schema.type() == Schema.Type.INT64 || schema.type() == Schema.Type.FLOAT64;
            if (common == null) {
                common = schema;
            } else if (!common.equals(schema)) {
                same = false;
            }
        }
        List<Object> values = new ArrayList<>(elements.size());
        if (common == null) {
            elements.forEach(e -> values.add(null));
            return new SchemaAndValue(schemas.arrayOf(Schema.OPTIONAL_STRING_SCHEMA), values);
        }
        if (same) {
            elements.forEach(e -> values.add(e.value()));
        } else if (numbers) {
            common = Schema.OPTIONAL_FLOAT64_SCHEMA;
            elements.forEach(e -> values.add(e.value() == null ? null : ((Number) e.value()).doubleValue()));
        } else {
            common = Schema.OPTIONAL_STRING_SCHEMA;
            for (SchemaAndValue element : elements) {
                values.add(element.value() == null ? null : toJsonText(element));
            }
        }
        return new SchemaAndValue(schemas.arrayOf(common), values);
    }

    private static String toJsonText(SchemaAndValue element) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(text)) {
            ConnectJsonWriter.write(generator, element.schema(), element.value());
        }
        return text.toString();
    }
}
