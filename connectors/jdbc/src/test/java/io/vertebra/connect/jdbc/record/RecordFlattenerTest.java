package io.vertebra.connect.jdbc.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.jdbc.config.JdbcSinkConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RecordFlattenerTest {
    static final Schema VALUE = SchemaBuilder.struct()
            .field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("secret", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    static RecordFlattener flattener(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", "jdbc:postgresql://localhost/db");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return new RecordFlattener(new JdbcSinkConfig(props));
    }

    static SinkRecord record(Schema keySchema, Object key, Object value) {
        return new SinkRecord("orders", 2, keySchema, key, value == null ? VALUE : VALUE, value, 7);
    }

    static Struct value(long id) {
        return new Struct(VALUE).put("id", id).put("name", "n").put("secret", "s");
    }

    @Test
    void primitiveKeyBecomesTheNamedColumnAndTheValueFieldOfTheSameNameIsNotRepeated() {
        RowChange change = flattener("pk.mode", "record_key", "pk.fields", "id")
                .flatten(record(Schema.INT64_SCHEMA, 5L, value(5)));
        assertEquals(List.of("id", "name", "secret"), change.shape().columnNames());
        assertEquals(1, change.shape().keyCount());
        assertEquals(5L, change.key());
    }

    @Test
    void kafkaModeKeysByCoordinatesAndWhitelistLimitsValueFields() {
        RowChange change =
                flattener("pk.mode", "kafka", "fields.whitelist", "name").flatten(record(null, null, value(1)));
        assertEquals(
                List.of("__connect_topic", "__connect_partition", "__connect_offset", "name"),
                change.shape().columnNames());
        assertEquals(List.of("orders", 2, 7L), change.keyValues());
    }

    @Test
    void includeListEntriesMayNameTheTopic() {
        RowChange change =
                flattener("field.include.list", "orders:secret,other:name").flatten(record(null, null, value(1)));
        assertEquals(List.of("secret"), change.shape().columnNames());
    }

    @Test
    void tombstonesAreIgnoredUnlessDeletesAreEnabled() {
        assertNull(
                flattener("pk.mode", "record_key", "pk.fields", "id").flatten(record(Schema.INT64_SCHEMA, 5L, null)));
        RowChange delete = flattener("pk.mode", "record_key", "pk.fields", "id", "delete.enabled", "true")
                .flatten(record(Schema.INT64_SCHEMA, 5L, null));
        assertEquals(RowChange.Kind.DELETE, delete.kind());
        assertEquals(List.of("id"), delete.shape().columnNames());
    }

    @Test
    void errorsNameTheRecordAndWhatToChange() {
        DataException noPkField = assertThrows(
                DataException.class,
                () -> flattener("pk.mode", "record_key").flatten(record(Schema.INT64_SCHEMA, 5L, value(5))));
        assertTrue(noPkField.getMessage().contains("orders-2@7"), noPkField.getMessage());
        assertTrue(noPkField.getMessage().contains("pk.fields must name exactly one column"), noPkField.getMessage());

        DataException missingField = assertThrows(
                DataException.class,
                () -> flattener("pk.mode", "record_value", "pk.fields", "nope").flatten(record(null, null, value(5))));
        assertTrue(missingField.getMessage().contains("'nope'"), missingField.getMessage());
        assertTrue(missingField.getMessage().contains("[id, name, secret]"), missingField.getMessage());

        DataException noKey = assertThrows(
                DataException.class,
                () -> flattener("pk.mode", "record_key", "pk.fields", "id").flatten(record(null, null, value(5))));
        assertTrue(noKey.getMessage().contains("has no key"), noKey.getMessage());

        DataException primitiveValue = assertThrows(
                DataException.class,
                () -> flattener().flatten(new SinkRecord("t", 0, null, null, Schema.STRING_SCHEMA, "x", 0)));
        assertTrue(primitiveValue.getMessage().contains("HoistField"), primitiveValue.getMessage());
    }

    @Test
    void plansAreReusedForTheSameSchemas() {
        RecordFlattener flattener = flattener("pk.mode", "record_value", "pk.fields", "id");
        RowChange a = flattener.flatten(record(null, null, value(1)));
        RowChange b = flattener.flatten(record(null, null, value(2)));
        assertTrue(a.shape() == b.shape(), "one shape object per schema");
    }
}
