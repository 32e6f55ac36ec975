package io.vertebra.runtime.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

/**
 * Kafka Connect's {@code JsonConverter}, with two shortcuts that give byte for byte what JsonConverter gives (checked
 * by {@code JsonFastPathTest}). The most common record of all, a plain string value (a log line, a CSV row) with or
 * without the schema envelope, is written and read directly as bytes,
 * {@code {"schema":{"type":"string","optional":false},"payload":"..."}}, without building a JSON tree or looking its
 * schema up in a cache. Other enveloped records skip writing and parsing a schema seen before
 * ({@link JsonEnvelopeCache}). Everything else goes to the wrapped JsonConverter unchanged.
 *
 * <p>Owned by one task thread, like the converter it wraps.
 */
final class JsonFastPath implements Converter {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] REQUIRED =
            "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OPTIONAL =
            "{\"schema\":{\"type\":\"string\",\"optional\":true},\"payload\":".getBytes(StandardCharsets.UTF_8);

    private static final byte[] EMPTY = new byte[0];

    private final JsonConverter json;
    private final boolean envelope;
    private final JsonEnvelopeCache envelopes;
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(512);

    /** Serves {@code json}, already configured with {@code config} for keys ({@code isKey}) or values. */
    JsonFastPath(JsonConverter json, Map<String, ?> config, boolean isKey) {
        this.json = json;
        Object schemas = config.get("schemas.enable");
        this.envelope =
                schemas == null || Boolean.parseBoolean(schemas.toString().trim());
        this.envelopes = JsonEnvelopeCache.forConverter(json, config, isKey);
    }

    static boolean plainString(Schema schema) {
        return schema != null
                && schema.type() == Schema.Type.STRING
                && schema.name() == null
                && schema.version() == null
                && schema.doc() == null
                && schema.parameters() == null
                && schema.defaultValue() == null;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        json.configure(configs, isKey);
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        byte[] fast = write(topic, schema, value);
        return fast != null ? fast : json.fromConnectData(topic, schema, value);
    }

    @Override
    public byte[] fromConnectData(String topic, Headers headers, Schema schema, Object value) {
        byte[] fast = write(topic, schema, value);
        return fast != null ? fast : json.fromConnectData(topic, headers, schema, value);
    }

    /** The bytes by a shortcut, or null when JsonConverter writes them. */
    private byte[] write(String topic, Schema schema, Object value) {
        if (value instanceof String text && plainString(schema)) {
            return write(schema.isOptional(), text);
        }
        return envelopes != null && schema != null ? envelopes.write(topic, schema, value) : null;
    }

    private byte[] write(boolean optional, String text) {
        byte[] prefix = envelope ? (optional ? OPTIONAL : REQUIRED) : EMPTY;
        if (needsNoEscaping(text)) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[prefix.length + utf8.length + 2 + (envelope ? 1 : 0)];
            System.arraycopy(prefix, 0, out, 0, prefix.length);
            out[prefix.length] = '"';
            System.arraycopy(utf8, 0, out, prefix.length + 1, utf8.length);
            out[prefix.length + 1 + utf8.length] = '"';
            if (envelope) {
                out[out.length - 1] = '}';
            }
            return out;
        }
        buffer.reset();
        try {
            buffer.write(prefix);
            try (JsonGenerator out = JSON.createGenerator(buffer)) {
                out.writeString(text);
            }
            if (envelope) {
                buffer.write('}');
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // an in-memory buffer does not fail
        }
        return buffer.toByteArray();
    }

    /** True when Jackson would write the string's characters as they are: no quote, backslash, control or surrogate. */
    private static boolean needsNoEscaping(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        SchemaAndValue fast = read(value);
        return fast != null ? fast : json.toConnectData(topic, value);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, Headers headers, byte[] value) {
        SchemaAndValue fast = read(value);
        return fast != null ? fast : json.toConnectData(topic, headers, value);
    }

    /** The record by a shortcut, or null when JsonConverter reads it. */
    private SchemaAndValue read(byte[] value) {
        SchemaAndValue text = readString(value);
        return text != null || envelopes == null ? text : envelopes.read(value);
    }

    /** How many records the envelope cache wrote and read (for tests). */
    long[] envelopeShortcuts() {
        return envelopes == null ? new long[2] : new long[] {envelopes.shortcutWrites(), envelopes.shortcutReads()};
    }

    /** The value when it is an enveloped plain string, else null (the full converter decides). */
    private SchemaAndValue readString(byte[] value) {
        if (!envelope || value == null || value.length < REQUIRED.length + 3 || value[value.length - 1] != '}') {
            return null;
        }
        boolean required = startsWith(value, REQUIRED);
        if (!required && !startsWith(value, OPTIONAL)) {
            return null;
        }
        int start = required ? REQUIRED.length : OPTIONAL.length;
        if (value[start] != '"') {
            return null; // null payloads and anything unusual: the full converter
        }
        Schema schema = required ? Schema.STRING_SCHEMA : Schema.OPTIONAL_STRING_SCHEMA;
        int close = value.length - 2;
        if (value[close] == '"') {
            // one pass: stop at anything that needs JSON unescaping; note whether UTF-8 decoding needs checking
            boolean plain = true;
            boolean ascii = true;
            for (int i = start + 1; i < close; i++) {
                byte b = value[i];
                if (b < 0x20) {
                    if (b >= 0) {
                        plain = false; // a raw control character: invalid JSON, the full converter reports it
                        break;
                    }
                    ascii = false;
                } else if (b == '"' || b == '\\') {
                    plain = false;
                    break;
                }
            }
            if (plain && (ascii || validUtf8(value, start + 1, close))) {
                return new SchemaAndValue(
                        schema, new String(value, start + 1, close - start - 1, StandardCharsets.UTF_8));
            }
        }
        try (JsonParser parser = JSON.createParser(value, start, value.length - 1 - start)) {
            if (parser.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            String text = parser.getText();
            if (parser.nextToken() != null) {
                return null;
            }
            return new SchemaAndValue(schema, text);
        } catch (IOException e) {
            return null; // let the full converter produce its usual error
        }
    }

    /** Whether the bytes decode as UTF-8 without replacement (Jackson rejects what String would replace). */
    private static boolean validUtf8(byte[] bytes, int from, int to) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes, from, to - from));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private static boolean startsWith(byte[] value, byte[] prefix) {
        return Arrays.equals(value, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public void close() {
        if (envelopes != null) {
            envelopes.close();
        }
        try {
            json.close();
        } catch (Exception ignored) {
            // best effort
        }
    }
}
