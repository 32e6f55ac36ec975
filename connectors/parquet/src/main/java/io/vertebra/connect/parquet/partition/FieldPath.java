package io.vertebra.connect.parquet.partition;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/** A dotted path ({@code address.city}) to a field of a record's struct value. Immutable. */
final class FieldPath {
    private final String dotted;
    private final String[] names;

    FieldPath(String dotted) {
        this.dotted = dotted.trim();
        this.names = this.dotted.split("\\.");
    }

    String dotted() {
        return dotted;
    }

    /** The field's value (null when a struct on the way or the field itself is null). */
    Object valueIn(SinkRecord record) {
        Object current = record.value();
        for (String name : names) {
            if (current == null) {
                return null;
            }
            if (!(current instanceof Struct struct)) {
                throw new DataException("cannot read field '" + dotted + "' from the value of record "
                        + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset()
                        + ": the value is " + current.getClass().getSimpleName()
                        + ", not a struct (use a converter with schemas)");
            }
            Field field = struct.schema().field(name);
            if (field == null) {
                throw new DataException("record " + record.topic() + "-" + record.kafkaPartition() + "@"
                        + record.kafkaOffset() + " has no field '" + name + "' (of '" + dotted + "'); its fields"
                        + " are "
                        + struct.schema().fields().stream().map(Field::name).toList());
            }
            current = struct.get(field);
        }
        return current;
    }
}
