package io.vertebra.runtime.pipeline;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * Passes bytes through unchanged: the converter Kafka Connect ships in connect-runtime as
 * {@code org.apache.kafka.connect.converters.ByteArrayConverter}; configs naming that class get this one.
 */
public final class ByteArrayConverter implements Converter, HeaderConverter {
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (schema != null && schema.type() != Schema.Type.BYTES) {
            throw new DataException("ByteArrayConverter needs a BYTES schema, got " + schema.type()
                    + " for a record of topic " + topic);
        }
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        throw new DataException("ByteArrayConverter needs byte[] or ByteBuffer values, got "
                + value.getClass().getName() + " for a record of topic " + topic);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        return new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, value);
    }

    @Override
    public SchemaAndValue toConnectHeader(String topic, String headerKey, byte[] value) {
        return toConnectData(topic, value);
    }

    @Override
    public byte[] fromConnectHeader(String topic, String headerKey, Schema schema, Object value) {
        return fromConnectData(topic, schema, value);
    }

    @Override
    public String version() {
        return org.apache.kafka.common.utils.AppInfoParser.getVersion();
    }

    @Override
    public void close() {}
}
