package io.vertebra.runtime.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

/**
 * JsonConverter's schema envelope, {@code {"schema":S,"payload":P}}, without writing or reading S again for every
 * record. A change-data-capture record carries a schema several times the size of its row; JsonConverter serializes
 * it for each record it writes, and parses it (and looks it up in a cache by deep equality) for each record it reads.
 *
 * <p>Writing: S depends on the schema alone, so for a schema instance seen before (immutable: {@link ConnectSchema}
 * all the way down) S's bytes are kept, taken from what JsonConverter itself wrote — the envelope it wrote must be
 * exactly {@code {"schema":} S {@code ,"payload":} P {@code }} where P is what the same converter writes with
 * {@code schemas.enable=false}, or the schema is never shortcut. Then only P is converted.
 *
 * <p>Reading: a message whose S is, byte for byte, one already seen gets that S's Connect schema without parsing S;
 * only P is parsed (with JsonConverter's own parser settings) and converted by JsonConverter's own conversion.
 *
 * <p>Anything else — a first sighting, another shape, bad input — returns null and the caller asks JsonConverter,
 * so results and errors are JsonConverter's. Owned by one task thread, like the converter it serves.
 */
final class JsonEnvelopeCache {
    private static final byte[] HEAD = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MIDDLE = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NEVER = new byte[0];
    /** Schemas remembered on each side: one or two per table of a CDC connector; more fall back to JsonConverter. */
    private static final int SLOTS = 32;

    /** JsonConverter's own payload conversion ({@code convertToConnect}, private), or null where it cannot be had. */
    private static final MethodHandle CONVERT_TO_CONNECT = convertToConnect();

    private final JsonConverter full;
    private final JsonConverter payloadOnly;
    private final JsonConverterConfig config;
    /** JsonConverter's reader settings (its JsonDeserializer's), so a payload parses to the same tree. */
    private final ObjectMapper reader = new ObjectMapper()
            .enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS.mappedFeature())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(new JsonNodeFactory(true));

    private final Schema[] written = new Schema[SLOTS];
    private final byte[][] writtenBytes = new byte[SLOTS][];
    private int nextWritten;

    private final byte[][] read = new byte[SLOTS][];
    private final Schema[] readSchemas = new Schema[SLOTS];
    private int nextRead;

    private long shortcutWrites;
    private long shortcutReads;
    /** Schemas learnt from reads. */
    private long learnt;

    private JsonEnvelopeCache(JsonConverter full, JsonConverter payloadOnly, JsonConverterConfig config) {
        this.full = full;
        this.payloadOnly = payloadOnly;
        this.config = config;
    }

    /**
     * For a JsonConverter configured with {@code config}: a cache, or null when the envelope is off or the schema is
     * fixed by {@code schema.content} (nothing to save).
     */
    static JsonEnvelopeCache forConverter(JsonConverter full, Map<String, ?> config, boolean isKey) {
        Map<String, Object> settings = new HashMap<>(config);
        settings.put("converter.type", isKey ? "key" : "value");
        JsonConverterConfig parsed = new JsonConverterConfig(settings);
        if (!parsed.schemasEnabled() || parsed.schemaContent() != null) {
            return null;
        }
        settings.put("schemas.enable", "false");
        JsonConverter payloadOnly = new JsonConverter();
        payloadOnly.configure(settings);
        return new JsonEnvelopeCache(full, payloadOnly, parsed);
    }

    /** Whether reads can be shortcut on this JVM (JsonConverter's conversion found). */
    static boolean readsShortcut() {
        return CONVERT_TO_CONNECT != null;
    }

    /** The envelope for a non-null schema, or null when JsonConverter must write it. */
    byte[] write(String topic, Schema schema, Object value) {
        int slot = slotOf(schema);
        if (slot < 0) {
            written[nextWritten] = schema; // a first sighting: learnt at the second
            writtenBytes[nextWritten] = null;
            nextWritten = (nextWritten + 1) % SLOTS;
            return null;
        }
        byte[] schemaBytes = writtenBytes[slot];
        if (schemaBytes == NEVER) {
            return null;
        }
        if (schemaBytes == null) {
            byte[] whole = full.fromConnectData(topic, schema, value);
            byte[] payload = payloadOnly.fromConnectData(topic, schema, value);
            byte[] part = immutable(schema) ? schemaPart(whole, payload) : null;
            writtenBytes[slot] = part == null ? NEVER : part;
            return whole;
        }
        byte[] payload = payloadOnly.fromConnectData(topic, schema, value);
        byte[] out = new byte[HEAD.length + schemaBytes.length + MIDDLE.length + payload.length + 1];
        int at = put(out, 0, HEAD);
        at = put(out, at, schemaBytes);
        at = put(out, at, MIDDLE);
        at = put(out, at, payload);
        out[at] = '}';
        shortcutWrites++;
        return out;
    }

    private int slotOf(Schema schema) {
        for (int i = 0; i < SLOTS; i++) {
            if (written[i] == schema) {
                return i;
            }
        }
        return -1;
    }

    /** S of {@code whole} when it is exactly HEAD S MIDDLE payload '}', else null. */
    private static byte[] schemaPart(byte[] whole, byte[] payload) {
        int schemaEnd = whole.length - 1 - payload.length - MIDDLE.length;
        if (schemaEnd <= HEAD.length
                || whole[whole.length - 1] != '}'
                || !startsWith(whole, 0, HEAD)
                || !startsWith(whole, schemaEnd, MIDDLE)
                || !startsWith(whole, schemaEnd + MIDDLE.length, payload)) {
            return null;
        }
        return Arrays.copyOfRange(whole, HEAD.length, schemaEnd);
    }

    /** Immutable all the way down, so the same instance always has the same S. */
    private static boolean immutable(Schema schema) {
        if (!(schema instanceof ConnectSchema)) {
            return false;
        }
        return switch (schema.type()) {
            case STRUCT -> schema.fields().stream().map(Field::schema).allMatch(JsonEnvelopeCache::immutable);
            case ARRAY -> immutable(schema.valueSchema());
            case MAP -> immutable(schema.keySchema()) && immutable(schema.valueSchema());
            default -> true;
        };
    }

    /** The record, or null when JsonConverter must read it. */
    SchemaAndValue read(byte[] value) {
        if (CONVERT_TO_CONNECT == null
                || value == null
                || value.length < HEAD.length + MIDDLE.length + 3
                || value[value.length - 1] != '}'
                || !startsWith(value, 0, HEAD)) {
            return null;
        }
        for (int i = 0; i < SLOTS; i++) {
            byte[] schemaBytes = read[i];
            if (schemaBytes != null
                    && startsWith(value, HEAD.length, schemaBytes)
                    && startsWith(value, HEAD.length + schemaBytes.length, MIDDLE)) {
                int from = HEAD.length + schemaBytes.length + MIDDLE.length;
                JsonNode payload = payload(value, from, value.length - 1);
                if (payload == null) {
                    return null;
                }
                Schema schema = readSchemas[i];
                shortcutReads++;
                return new SchemaAndValue(schema, convert(schema, payload));
            }
        }
        // more schemas in turn than slots would make every read a parse too many: then stop learning
        if (learnt < SLOTS * 8L || learnt < shortcutReads) {
            learnt++;
            learn(value);
        }
        return null;
    }

    /** Remembers the message's S and its Connect schema (JsonConverter's own {@code asConnectSchema}). */
    private void learn(byte[] value) {
        try (JsonParser parser = reader.getFactory().createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT
                    || parser.nextToken() != JsonToken.FIELD_NAME
                    || !"schema".equals(parser.currentName())
                    || parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            parser.skipChildren();
            long end = parser.currentLocation().getByteOffset();
            if (end <= HEAD.length || end + MIDDLE.length >= value.length || !startsWith(value, (int) end, MIDDLE)) {
                return;
            }
            byte[] schemaBytes = Arrays.copyOfRange(value, HEAD.length, (int) end);
            Schema schema = full.asConnectSchema(reader.readTree(schemaBytes));
            read[nextRead] = schemaBytes;
            readSchemas[nextRead] = schema;
            nextRead = (nextRead + 1) % SLOTS;
        } catch (IOException | RuntimeException e) {
            // not a well-formed envelope: JsonConverter reports it
        }
    }

    /** The one JSON value in {@code value[from, to)}, or null when that is not exactly one well-formed value. */
    private JsonNode payload(byte[] value, int from, int to) {
        try (JsonParser parser = reader.getFactory().createParser(value, from, to - from)) {
            JsonNode node = reader.readTree(parser);
            return node != null && parser.nextToken() == null ? node : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Object convert(Schema schema, JsonNode payload) {
        try {
            return CONVERT_TO_CONNECT.invokeExact(schema, payload, config);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e); // convertToConnect declares no checked exception
        }
    }

    long shortcutWrites() {
        return shortcutWrites;
    }

    long shortcutReads() {
        return shortcutReads;
    }

    void close() {
        payloadOnly.close();
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    private static boolean startsWith(byte[] value, int at, byte[] part) {
        return at + part.length <= value.length && Arrays.equals(value, at, at + part.length, part, 0, part.length);
    }

    private static MethodHandle convertToConnect() {
        try {
            return MethodHandles.privateLookupIn(JsonConverter.class, MethodHandles.lookup())
                    .findStatic(
                            JsonConverter.class,
                            "convertToConnect",
                            MethodType.methodType(
                                    Object.class, Schema.class, JsonNode.class, JsonConverterConfig.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another connect-json: reads go to JsonConverter
        }
    }
}
