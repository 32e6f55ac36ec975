package io.vertebra.connect.jdbc.record;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/**
 * Recognizes Debezium's change-event envelope by its shape: a struct with a string {@code op} and struct
 * {@code before} and {@code after} fields (the schema is usually named {@code <prefix>.Envelope}). Recognizing by
 * shape keeps the plugin free of Debezium jars and works after SMTs that rename the schema.
 */
final class DebeziumEnvelope {
    static final String OP = "op";
    static final String BEFORE = "before";
    static final String AFTER = "after";

    private DebeziumEnvelope() {}

    static boolean matches(Schema valueSchema) {
        Field op = valueSchema.field(OP);
        Field before = valueSchema.field(BEFORE);
        Field after = valueSchema.field(AFTER);
        return op != null
                && op.schema().type() == Schema.Type.STRING
                && before != null
                && before.schema().type() == Schema.Type.STRUCT
                && after != null
                && after.schema().type() == Schema.Type.STRUCT;
    }
}
