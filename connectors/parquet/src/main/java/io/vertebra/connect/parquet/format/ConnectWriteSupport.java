package io.vertebra.connect.parquet.format;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * parquet-hadoop's bridge for Connect values of one schema: the schema is mapped once
 * ({@link ParquetSchemas}), values go straight to the {@link RecordConsumer} without an intermediate object
 * model. Footer metadata set with {@link #footerMetadata} before the writer closes lands in the file's
 * key-value metadata. One instance per file; used by the task thread only.
 */
public final class ConnectWriteSupport extends WriteSupport<Object> {
    private final Schema schema;
    private final MessageType messageType;
    private final ValueWriter.StructWriter structWriter;
    private final ValueWriter valueWriter;
    private final Map<String, String> footer = new HashMap<>();
    private RecordConsumer consumer;

    public ConnectWriteSupport(Schema schema) {
        this.schema = schema;
        this.messageType = ParquetSchemas.messageType(schema);
        if (schema.type() == Schema.Type.STRUCT) {
            this.structWriter = new ValueWriter.StructWriter("", schema);
            this.valueWriter = null;
        } else {
            this.structWriter = null;
            this.valueWriter = ValueWriter.forSchema(ParquetSchemas.VALUE_COLUMN, schema);
        }
    }

    public Schema schema() {
        return schema;
    }

    public MessageType messageType() {
        return messageType;
    }

    /** Key-value metadata for the footer; the last call before the writer closes wins. */
    public void footerMetadata(Map<String, String> metadata) {
        footer.clear();
        footer.putAll(metadata);
    }

    @Override
    public String getName() {
        return "vertebra-connect";
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(messageType, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(Object value) {
        consumer.startMessage();
        if (structWriter != null) {
            structWriter.writeFields(consumer, (Struct) value);
        } else {
            consumer.startField(ParquetSchemas.VALUE_COLUMN, 0);
            valueWriter.write(consumer, value);
            consumer.endField(ParquetSchemas.VALUE_COLUMN, 0);
        }
        consumer.endMessage();
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        return new FinalizedWriteContext(Map.copyOf(footer));
    }
}
