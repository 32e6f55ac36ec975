package io.vertebra.connect.jdbc.record;

import io.vertebra.connect.jdbc.config.JdbcSinkConfig;
import io.vertebra.connect.jdbc.config.PkMode;
import io.vertebra.connect.jdbc.schema.TableId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a {@link SinkRecord} into the {@link RowChange} it stands for, or {@code null} when it writes nothing (a
 * tombstone with deletes off, a Debezium truncate with truncates off, a Debezium message event).
 *
 * <ul>
 *   <li>A Debezium change event (a struct with {@code op}, {@code before}, {@code after}) is read natively: op
 *       {@code c}, {@code r}, {@code u} upsert the {@code after} row, {@code d} deletes by the record key, {@code t}
 *       truncates.
 *   <li>A plain struct value upserts (or inserts/updates, per {@code insert.mode}) one row; a tombstone deletes.
 *   <li>Key columns come from {@code pk.mode}; value columns from the row struct, limited by
 *       {@code fields.whitelist}.
 * </ul>
 *
 * Plans (which field feeds which column) are cached per key and value schema, so the hot path only copies field
 * references. Called by the task thread only; not thread-safe. Throws {@link DataException} naming the record and
 * what to change when a record cannot become a row.
 */
public final class RecordFlattener {
    static final List<String> DEFAULT_KAFKA_PK = List.of("__connect_topic", "__connect_partition", "__connect_offset");
    private static final int MAX_CACHED_PLANS = 1024;

    private final JdbcSinkConfig config;
    private final Map<String, TableId> tables = new HashMap<>();
    private final Map<PlanKey, Plan> plans = new HashMap<>();
    private Schema lastValueSchema;
    private boolean lastWasEnvelope;

    public RecordFlattener(JdbcSinkConfig config) {
        this.config = config;
    }

    /** The change a record stands for, or {@code null} when it writes nothing. */
    public RowChange flatten(SinkRecord record) {
        TableId table = tables.computeIfAbsent(record.topic(), t -> TableId.forTopic(config.tableNameFormat(), t));
        Object value = record.value();
        if (value == null) {
            return config.deleteEnabled() ? delete(record, table) : null;
        }
        Schema valueSchema = record.valueSchema();
        if (valueSchema == null) {
            throw new DataException(describe(record) + " has a value without a schema (a "
                    + value.getClass().getName() + "): the JDBC sink needs schemas to build rows. With JsonConverter"
                    + " set value.converter.schemas.enable=true and produce {\"schema\":...,\"payload\":...} records,"
                    + " or use a converter that carries schemas (e.g. Avro with a schema registry).");
        }
        if (valueSchema.type() != Schema.Type.STRUCT || !(value instanceof Struct struct)) {
            throw new DataException(describe(record) + " has a value of type " + valueSchema.type()
                    + "; the JDBC sink writes one row per struct value. Use a converter or a transform (such as"
                    + " HoistField$Value) that produces a struct.");
        }
        if (isEnvelope(valueSchema)) {
            return fromEnvelope(record, table, struct);
        }
        return upsert(record, table, struct);
    }

    /** Remembers the answer for the last value schema: converters hand out the same schema object record after record. */
    private boolean isEnvelope(Schema valueSchema) {
        if (valueSchema != lastValueSchema) {
            lastValueSchema = valueSchema;
            lastWasEnvelope = DebeziumEnvelope.matches(valueSchema);
        }
        return lastWasEnvelope;
    }

    private RowChange fromEnvelope(SinkRecord record, TableId table, Struct envelope) {
        String op = envelope.getString(DebeziumEnvelope.OP);
        if (op == null) {
            throw new DataException(describe(record) + " is a Debezium change event without an 'op'");
        }
        switch (op) {
            case "c", "r", "u" -> {
                Struct after = envelope.getStruct(DebeziumEnvelope.AFTER);
                if (after == null) {
                    throw new DataException(describe(record) + " is a Debezium '" + op + "' event without 'after'");
                }
                return upsert(record, table, after);
            }
            case "d" -> {
                return config.deleteEnabled() ? delete(record, table) : null;
            }
            case "t" -> {
                return config.truncateEnabled()
                        ? new RowChange(
                                RowChange.Kind.TRUNCATE,
                                new RowShape(table, List.of(), List.of()),
                                new Object[0],
                                record)
                        : null;
            }
            default -> {
                return null; // 'm' (logical decoding message) and future ops carry no row
            }
        }
    }

    private RowChange upsert(SinkRecord record, TableId table, Struct row) {
        Plan plan = plan(record, table, row.schema(), false);
        return new RowChange(RowChange.Kind.UPSERT, plan.shape, plan.extract(record, row), record);
    }

    private RowChange delete(SinkRecord record, TableId table) {
        if (config.pkMode() != PkMode.RECORD_KEY) {
            throw new DataException(describe(record) + " is a delete, but pk.mode="
                    + config.pkMode().configValue() + "; deletes are found by the record key (pk.mode=record_key)");
        }
        Plan plan = plan(record, table, null, true);
        return new RowChange(RowChange.Kind.DELETE, plan.shape, plan.extract(record, null), record);
    }

    private Plan plan(SinkRecord record, TableId table, Schema rowSchema, boolean keyOnly) {
        PlanKey key = new PlanKey(record.topic(), record.keySchema(), rowSchema, keyOnly);
        Plan plan = plans.get(key);
        if (plan == null) {
            if (plans.size() >= MAX_CACHED_PLANS) {
                plans.clear(); // a converter that makes a new schema per record must not grow this forever
            }
            plan = buildPlan(record, table, rowSchema, keyOnly);
            plans.put(key, plan);
        }
        return plan;
    }

    private Plan buildPlan(SinkRecord record, TableId table, Schema rowSchema, boolean keyOnly) {
        List<Column> keyColumns = new ArrayList<>();
        List<Extractor> keyExtractors = new ArrayList<>();
        Set<String> keyNames = new HashSet<>();
        switch (config.pkMode()) {
            case NONE -> {}
            case KAFKA -> {
                List<String> names = config.pkFields().isEmpty() ? DEFAULT_KAFKA_PK : config.pkFields();
                keyColumns.add(new Column(names.get(0), Schema.STRING_SCHEMA, true));
                keyExtractors.add((r, row) -> r.topic());
                keyColumns.add(new Column(names.get(1), Schema.INT32_SCHEMA, true));
                keyExtractors.add((r, row) -> r.kafkaPartition());
                keyColumns.add(new Column(names.get(2), Schema.INT64_SCHEMA, true));
                keyExtractors.add((r, row) -> r.kafkaOffset());
            }
            case RECORD_KEY -> addRecordKeyColumns(record, keyColumns, keyExtractors);
            case RECORD_VALUE -> {
                List<Field> fields = selectFields(record, rowSchema, config.pkFields(), "value");
                for (Field field : fields) {
                    keyColumns.add(new Column(field.name(), field.schema(), true));
                    keyExtractors.add((r, row) -> row.get(field));
                }
            }
        }
        keyColumns.forEach(c -> keyNames.add(c.name()));

        List<Column> valueColumns = new ArrayList<>();
        List<Extractor> valueExtractors = new ArrayList<>();
        if (!keyOnly) {
            for (Field field : rowSchema.fields()) {
                if (keyNames.contains(field.name()) || !included(record.topic(), field.name())) {
                    continue;
                }
                valueColumns.add(new Column(field.name(), field.schema(), false));
                valueExtractors.add((r, row) -> row.get(field));
            }
        }
        List<Extractor> all = new ArrayList<>(keyExtractors);
        all.addAll(valueExtractors);
        return new Plan(new RowShape(table, keyColumns, valueColumns), all.toArray(new Extractor[0]));
    }

    private void addRecordKeyColumns(SinkRecord record, List<Column> columns, List<Extractor> extractors) {
        Schema keySchema = record.keySchema();
        if (record.key() == null) {
            throw new DataException(describe(record) + " has no key, but pk.mode=record_key takes the primary key"
                    + " from the record key");
        }
        if (keySchema == null) {
            throw new DataException(describe(record) + " has a key without a schema (a "
                    + record.key().getClass().getName() + "): with JsonConverter set key.converter.schemas.enable=true,"
                    + " or use a key converter that carries a schema (e.g. StringConverter for string keys)");
        }
        if (keySchema.type() == Schema.Type.STRUCT) {
            for (Field field : selectFields(record, keySchema, config.pkFields(), "key")) {
                columns.add(new Column(field.name(), field.schema(), true));
                extractors.add((r, row) -> ((Struct) r.key()).get(field));
            }
            return;
        }
        if (config.pkFields().size() != 1) {
            throw new DataException(describe(record) + " has a primitive " + keySchema.type() + " key, so pk.fields"
                    + " must name exactly one column for it (e.g. pk.fields=id), but pk.fields="
                    + String.join(",", config.pkFields()));
        }
        columns.add(new Column(config.pkFields().get(0), keySchema, true));
        extractors.add((r, row) -> r.key());
    }

    private List<Field> selectFields(SinkRecord record, Schema struct, List<String> names, String where) {
        if (names.isEmpty()) {
            return struct.fields();
        }
        List<Field> fields = new ArrayList<>();
        for (String name : names) {
            Field field = struct.field(name);
            if (field == null) {
                throw new DataException(describe(record) + ": pk.fields names '" + name + "', which the record "
                        + where + " lacks; its fields are "
                        + struct.fields().stream().map(Field::name).toList());
            }
            fields.add(field);
        }
        return fields;
    }

    private boolean included(String topic, String field) {
        List<String> include = config.includedFields();
        if (include.isEmpty()) {
            return true;
        }
        for (String entry : include) {
            int colon = entry.indexOf(':');
            if (colon < 0
                    ? entry.equals(field)
                    : entry.substring(0, colon).equals(topic)
                            && entry.substring(colon + 1).equals(field)) {
                return true;
            }
        }
        return false;
    }

    static String describe(SinkRecord record) {
        return "Record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }

    /** Reads one column's value from a record and its row struct. */
    @FunctionalInterface
    private interface Extractor {
        Object get(SinkRecord record, Struct row);
    }

    private record Plan(RowShape shape, Extractor[] extractors) {
        Object[] extract(SinkRecord record, Struct row) {
            Object[] values = new Object[extractors.length];
            for (int i = 0; i < extractors.length; i++) {
                values[i] = extractors[i].get(record, row);
            }
            return values;
        }
    }

    /** Schemas compared by identity: converters cache them, and a deep comparison per record would cost more. */
    private record PlanKey(String topic, Schema keySchema, Schema rowSchema, boolean keyOnly) {
        @Override
        public boolean equals(Object o) {
            return o instanceof PlanKey k
                    && k.keyOnly == keyOnly
                    && k.keySchema == keySchema
                    && k.rowSchema == rowSchema
                    && k.topic.equals(topic);
        }

        @Override
        public int hashCode() {
            return (topic.hashCode() * 31 + System.identityHashCode(keySchema)) * 31
                    + System.identityHashCode(rowSchema)
                    + (keyOnly ? 1 : 0);
        }
    }
}
