package io.vertebra.bench.parquet;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;

/** The benchmark's records: 10-column orders, built once and shared (read-only) by every measured writer. */
final class OrderRecords {
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

    private static final long BASE_TIME_MS = 1_714_564_800_000L;

    private OrderRecords() {}

    static List<Struct> orders(int count) {
        List<Struct> orders = new ArrayList<>(count);
        for (long id = 0; id < count; id++) {
            orders.add(new Struct(ORDER)
                    .put("id", id)
                    .put("customer", "customer-" + (id % 997))
                    .put("region", new String[] {"eu", "us", "apac"}[(int) (id % 3)])
                    .put("quantity", (int) (id % 50) + 1)
                    .put("price", (id % 10_000) / 100.0)
                    .put("discount", id % 4 == 0 ? null : (float) (id % 30) / 100f)
                    .put("paid", id % 2 == 0)
                    .put("created", new java.util.Date(BASE_TIME_MS + id * 1000))
                    .put("note", id % 5 == 0 ? null : "note " + id)
                    .put("version", (short) (id % 7)));
        }
        return orders;
    }

    /** The orders as the records a Connect worker would hand one partition's sink task. */
    static List<SinkRecord> sinkRecords(String topic, int partition, List<Struct> orders) {
        List<SinkRecord> records = new ArrayList<>(orders.size());
        long offset = 0;
        for (Struct order : orders) {
            records.add(new SinkRecord(
                    topic,
                    partition,
                    null,
                    null,
                    ORDER,
                    order,
                    offset,
                    BASE_TIME_MS + offset,
                    TimestampType.CREATE_TIME));
            offset++;
        }
        return records;
    }
}
