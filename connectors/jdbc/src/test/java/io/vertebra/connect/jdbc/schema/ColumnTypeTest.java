package io.vertebra.connect.jdbc.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {
    static String text(Schema schema, Object value, String zone) {
        StringBuilder out = new StringBuilder();
        ColumnType.of(schema).appendText(out, schema, value, ZoneId.of(zone));
        return out.toString();
    }

    @Test
    void datesBeforeYearOneAreWrittenAsBc() {
        long epochDay = LocalDate.of(0, 3, 1).toEpochDay(); // ISO year 0 is 1 BC
        assertEquals("0001-03-01 BC", text(Date.SCHEMA, new java.util.Date(epochDay * 86_400_000L), "UTC"));
    }

    @Test
    void connectTimestampsAreWallClockTimeInTheDatabaseZone() {
        java.util.Date noonUtc = new java.util.Date(1_700_000_000_000L);
        assertEquals("2023-11-14T22:13:20", text(Timestamp.SCHEMA, noonUtc, "UTC"));
        assertEquals("2023-11-14T23:13:20", text(Timestamp.SCHEMA, noonUtc, "Europe/Paris"));
    }

    @Test
    void endOfDayMicroTimeIsKept() {
        Schema microTime =
                SchemaBuilder.int64().name("io.debezium.time.MicroTime").build();
        assertEquals("24:00:00", text(microTime, 86_400_000_000L, "UTC"));
    }

    @Test
    void arrayElementsAreQuotedAndEscaped() {
        Schema array = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build();
        assertEquals("{\"a\\\\b\",\"c\\\"d\",NULL}", text(array, Arrays.asList("a\\b", "c\"d", null), "UTC"));
        assertEquals("text[]", ColumnType.sqlType(array));
        Schema nested = SchemaBuilder.array(
                        SchemaBuilder.array(Schema.INT32_SCHEMA).build())
                .build();
        assertEquals("jsonb", ColumnType.sqlType(nested), "arrays of arrays become JSON");
    }

    @Test
    void structsBecomeJsonObjects() {
        Schema inner = SchemaBuilder.struct()
                .field("n", Schema.INT32_SCHEMA)
                .field("b", Schema.BYTES_SCHEMA)
                .field("s", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct value = new Struct(inner).put("n", 1).put("b", new byte[] {1, 2}).put("s", "x\ny");
        assertEquals("{\"n\":1,\"b\":\"AQI=\",\"s\":\"x\\ny\"}", text(inner, value, "UTC"));
    }

    @Test
    void tableNamesFromTopics() {
        assertEquals(new TableId(null, "orders"), TableId.forTopic("${topic}", "orders"));
        assertEquals(new TableId("sales", "orders"), TableId.forTopic("sales.${topic}", "orders"));
        assertEquals(new TableId(null, "srv_inv_orders"), TableId.forTopic("${topic}", "srv.inv.orders"));
        assertEquals(
                "\"sales\".\"Or\"\"ders\"",
                new TableId("sales", "Or\"ders").sql(io.vertebra.connect.jdbc.config.IdentifierQuoting.ALWAYS));
    }
}
