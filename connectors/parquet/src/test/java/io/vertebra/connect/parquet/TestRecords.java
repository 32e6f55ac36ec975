package io.vertebra.connect.parquet;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;

/** Records the tests write: a flat 10-column "order" and a value using every type the sink maps. */
final class TestRecords {
    static final Schema ORDER = SchemaBuilder.struct()
            .name("order")
            .field("id", Schema.INT64_SCHEMA)
            .field("customer", Schema.STRING_SCHEMA)
            .field("region", Schema.STRING_SCHEMA)
            .field("quantity", Schema.INT32_SCHEMA)
            .field("price", Schema.FLOAT64_SCHEMA)
            .field("discount", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("paid", Schema.BOOLEAN_SCHEMA)
            .field("created", Timestamp.SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("version", Schema.INT16_SCHEMA)
            .build();

    static final Schema ADDRESS = SchemaBuilder.struct()
            .name("address")
            .optional()
            .field("city", Schema.STRING_SCHEMA)
            .field("zip", Schema.OPTIONAL_INT32_SCHEMA)
            .build();

    static final Schema SMALL_DECIMAL =
            Decimal.builder(2).parameter("connect.decimal.precision", "9").build();
    static final Schema MID_DECIMAL = Decimal.builder(4)
            .parameter("connect.decimal.precision", "18")
            .optional()
            .build();
    static final Schema WIDE_DECIMAL = Decimal.schema(6);

    static final Schema EVERY_TYPE = SchemaBuilder.struct()
            .name("every_type")
            .field("i8", Schema.INT8_SCHEMA)
            .field("i16", Schema.INT16_SCHEMA)
            .field("i32", Schema.INT32_SCHEMA)
            .field("i64", Schema.INT64_SCHEMA)
            .field("f32", Schema.FLOAT32_SCHEMA)
            .field("f64", Schema.FLOAT64_SCHEMA)
            .field("flag", Schema.BOOLEAN_SCHEMA)
            .field("text", Schema.STRING_SCHEMA)
            .field("maybe", Schema.OPTIONAL_STRING_SCHEMA)
            .field("raw", Schema.BYTES_SCHEMA)
            .field("small_dec", SMALL_DECIMAL)
            .field("mid_dec", MID_DECIMAL)
            .field("wide_dec", WIDE_DECIMAL)
            .field("day", Date.SCHEMA)
            .field("clock", Time.SCHEMA)
            .field("at", Timestamp.SCHEMA)
            .field("address", ADDRESS)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field(
                    "scores",
                    SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional().build())
            .field(
                    "attrs",
                    SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA)
                            .build())
            .field("history", SchemaBuilder.array(ADDRESS).build())
            .build();

    static final long BASE_TIME_MS = 1_714_564_800_000L; // 2024-05-01T12:00:00Z

    private TestRecords() {}

    static Struct order(long id) {
        return new Struct(ORDER)
                .put("id", id)
                .put("customer", "customer-" + (id % 997))
                .put("region", new String[] {"eu", "us", "apac"}[(int) (id % 3)])
                .put("quantity", (int) (id % 50) + 1)
                .put("price", (id % 10_000) / 100.0)
                .put("discount", id % 4 == 0 ? null : (float) (id % 30) / 100f)
                .put("paid", id % 2 == 0)
                .put("created", new java.util.Date(BASE_TIME_MS + id * 1000))
                .put("note", id % 5 == 0 ? null : "note " + id)
                .put("version", (short) (id % 7));
    }

    static Struct everyType(long i) {
        Map<String, Long> attrs = new LinkedHashMap<>();
        attrs.put("a", i);
        attrs.put("none", null);
        List<Integer> scores = new ArrayList<>();
        scores.add((int) i);
        scores.add(null);
        return new Struct(EVERY_TYPE)
                .put("i8", (byte) (i % 100))
                .put("i16", (short) (i * 3))
                .put("i32", (int) (i * 1000))
                .put("i64", i * 1_000_000_007L)
                .put("f32", i / 4f)
                .put("f64", i / 8.0)
                .put("flag", i % 2 == 1)
                .put("text", "héllo " + i)
                .put("maybe", i % 2 == 0 ? null : "m" + i)
                .put("raw", ("bytes" + i).getBytes(StandardCharsets.UTF_8))
                .put("small_dec", new BigDecimal("-123.45").add(BigDecimal.valueOf(i)))
                .put("mid_dec", i % 3 == 0 ? null : new BigDecimal("12345678901234.5678"))
                .put("wide_dec", new BigDecimal("-98765432109876543210.123456"))
                .put("day", new java.util.Date(19_844L * 86_400_000L)) // 2024-05-01
                .put("clock", new java.util.Date(13 * 3_600_000L + 14 * 60_000L + 15_123L))
                .put("at", new java.util.Date(BASE_TIME_MS + i))
                .put(
                        "address",
                        i % 2 == 0
                                ? null
                                : new Struct(ADDRESS).put("city", "Lyon").put("zip", (int) i))
                .put("tags", List.of("t" + i, "u"))
                .put("scores", i % 3 == 0 ? null : scores)
                .put("attrs", attrs)
                .put("history", List.of(new Struct(ADDRESS).put("city", "Oslo").put("zip", null)));
    }

    static SinkRecord record(String topic, int partition, long offset, Schema schema, Object value, long tsMs) {
        return new SinkRecord(topic, partition, null, null, schema, value, offset, tsMs, TimestampType.CREATE_TIME);
    }

    static SinkRecord orderRecord(String topic, int partition, long offset) {
        return record(topic, partition, offset, ORDER, order(offset), BASE_TIME_MS + offset * 1000);
    }

    static List<SinkRecord> orders(String topic, int partition, long from, long toExclusive) {
        List<SinkRecord> records = new ArrayList<>();
        for (long o = from; o < toExclusive; o++) {
            records.add(orderRecord(topic, partition, o));
        }
        return records;
    }
}
