package io.vertebra.connect.file.source.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class JsonObjectParserTest {
    private final JsonObjectParser parser = new JsonObjectParser();

    @Test
    void infersAStructSchemaWithOptionalFieldsInOrder() throws Exception {
        SchemaAndValue parsed = parser.parse("{\"b\":1,\"a\":\"x\",\"big\":123456789012345678901234567890,\"f\":2e3}");
        Schema schema = parsed.schema();
        assertEquals(
                List.of("b", "a", "big", "f"),
                schema.fields().stream().map(f -> f.name()).toList());
        assertEquals(Schema.OPTIONAL_INT64_SCHEMA, schema.field("b").schema());
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema.field("a").schema());
        assertEquals(Schema.OPTIONAL_FLOAT64_SCHEMA, schema.field("big").schema());
        assertEquals(2000.0, ((Struct) parsed.value()).get("f"));
        assertTrue(schema.isOptional());
    }

    @Test
    void arraysTakeTheirElementsCommonSchema() throws Exception {
        Struct value = (Struct) parser.parse(
                        "{\"ints\":[1,2],\"mixed\":[1,2.5],\"objs\":[{\"x\":1},{\"x\":2}],\"any\":[1,\"a\",{\"k\":true}],"
                                + "\"empty\":[],\"nulls\":[null,1]}")
                .value();
        assertEquals(List.of(1L, 2L), value.getArray("ints"));
        assertEquals(List.of(1.0, 2.5), value.getArray("mixed"));
        assertEquals(2L, ((Struct) value.getArray("objs").get(1)).get("x"));
        assertEquals(List.of("1", "\"a\"", "{\"k\":true}"), value.getArray("any"));
        assertEquals(List.of(), value.getArray("empty"));
        assertEquals(java.util.Arrays.asList(null, 1L), value.getArray("nulls"));
    }

    @Test
    void eventsOfOneShapeShareOneSchemaInstance() throws Exception {
        Schema first = parser.parse("{\"a\":1,\"b\":{\"c\":[\"x\"]}}").schema();
        Schema second = parser.parse("{\"a\":2,\"b\":{\"c\":[]}}").schema();
        Schema other = parser.parse("{\"b\":{\"c\":[\"x\"]},\"a\":1}").schema();
        assertSame(first, second);
        assertNotSame(first, other);
        assertSame(first.field("b").schema(), other.field("b").schema());
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        for (String bad : List.of("[1]", "\"s\"", "{\"a\":1} x", "{\"a\":", "{\"a\":1,\"a\":2}", "")) {
            EventParseException failure = assertThrows(EventParseException.class, () -> parser.parse(bad), bad);
            assertTrue(failure.getMessage().length() > 10, failure.getMessage());
        }
    }
}
