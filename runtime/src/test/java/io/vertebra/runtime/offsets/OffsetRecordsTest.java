package io.vertebra.runtime.offsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertebra.testkit.KafkaDistribution;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Differential: the offset records Vertebra writes and reads against Apache Kafka Connect's own
 * {@code OffsetStorageWriter} and {@code OffsetStorageReaderImpl} (connect-runtime from the Kafka distribution, in its
 * own class loader so its plugins never join the test class path), both over the internal converter Kafka Connect's
 * worker configures: a schemaless JsonConverter.
 */
class OffsetRecordsTest {
    private static final String CONNECTOR = "file-in";
    private static URLClassLoader connectRuntime;

    @BeforeAll
    static void loadConnectRuntime() throws Exception {
        connectRuntime = new URLClassLoader(
                new URL[] {KafkaDistribution.jar("connect-runtime").toUri().toURL()},
                OffsetRecordsTest.class.getClassLoader());
    }

    @AfterAll
    static void close() throws Exception {
        connectRuntime.close();
    }

    /** Every value type a source task may put in a partition or an offset, in small and large sizes. */
    private static Map<String, Object> everyType() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("int", 5);
        m.put("long", 5L);
        m.put("big.long", Long.MAX_VALUE);
        m.put("negative", -1);
        m.put("short", (short) 7);
        m.put("byte", (byte) 3);
        m.put("double", 1.5d);
        m.put("whole.double", 2.0d);
        m.put("float", 0.25f);
        m.put("true", true);
        m.put("string", "/tmp/a.txt");
        m.put("empty", "");
        m.put("null", null);
        m.put("bytes", new byte[] {1, 2, 3});
        m.put("buffer", ByteBuffer.wrap(new byte[] {4, 5}));
        return m;
    }

    @Test
    void writesTheBytesKafkaConnectWrites() throws Exception {
        List<Map<String, Object>> partitions = List.of(
                Map.of("filename", "/tmp/a.txt"),
                everyType(),
                hashMapOf("z", 1, "a", "x", "m", 2L), // several keys in HashMap order: bytes follow it
                linkedMapOf("z", 1, "a", "x", "m", 2L));
        for (Map<String, Object> partition : partitions) {
            Map<ByteBuffer, ByteBuffer> kafkaConnect = kafkaConnectWrites(Map.of(partition, everyType()));
            byte[] key = OffsetRecords.key(CONNECTOR, partition);
            byte[] value = OffsetRecords.value(CONNECTOR, everyType());
            assertEquals(1, kafkaConnect.size());
            Map.Entry<ByteBuffer, ByteBuffer> written =
                    kafkaConnect.entrySet().iterator().next();
            assertEquals(utf8(written.getKey()), utf8(ByteBuffer.wrap(key)), "key bytes of " + partition);
            assertEquals(utf8(written.getValue()), utf8(ByteBuffer.wrap(value)), "value bytes of " + partition);
        }
        assertEquals(
                "[\"file-in\",{\"filename\":\"/tmp/a.txt\"}]",
                new String(OffsetRecords.key(CONNECTOR, Map.of("filename", "/tmp/a.txt")), StandardCharsets.UTF_8));
    }

    @Test
    void readsBackWhatKafkaConnectReadsBackWithTheSameTypes() throws Exception {
        Map<String, Object> partition = hashMapOf("file", "/tmp/a.txt", "shard", 3);
        // written by Apache Kafka Connect, read by Vertebra
        Map<ByteBuffer, ByteBuffer> topic = kafkaConnectWrites(Map.of(partition, everyType()));
        OffsetRecords records = new OffsetRecords();
        topic.forEach((k, v) -> records.apply(bytes(k), bytes(v)));
        Map<String, Object> expected = kafkaConnectReader(topic).offset(partition);
        assertTypedEquals(expected, records.offset(CONNECTOR, partition));
        assertInstanceOf(Long.class, records.offset(CONNECTOR, partition).get("int"));
        assertInstanceOf(Double.class, records.offset(CONNECTOR, partition).get("float"));
        assertInstanceOf(String.class, records.offset(CONNECTOR, partition).get("bytes"));
        // the partition as the task gives it (Integer), as Kafka Connect returns it (Long), and in another key order
        assertTypedEquals(expected, records.offset(CONNECTOR, linkedMapOf("shard", 3L, "file", "/tmp/a.txt")));
        Map.Entry<Map<String, Object>, Map<String, Object>> listed =
                records.offsets(CONNECTOR).entrySet().iterator().next();
        assertInstanceOf(Long.class, listed.getKey().get("shard"));
        assertTypedEquals(expected, listed.getValue());

        // written by Vertebra, read by Apache Kafka Connect
        Map<ByteBuffer, ByteBuffer> ours = new HashMap<>();
        ours.put(
                ByteBuffer.wrap(OffsetRecords.key(CONNECTOR, partition)),
                ByteBuffer.wrap(OffsetRecords.value(CONNECTOR, everyType())));
        assertTypedEquals(expected, kafkaConnectReader(ours).offset(partition));
    }

    @Test
    void theFileStreamSourceOffsetComesBackAsALong() throws Exception {
        // connect-file's task: "Offset position is the incorrect type" unless position is a Long
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        store.write(CONNECTOR, Map.of(Map.of("filename", "/tmp/in.txt"), Map.of("position", 42L)), 1000);
        assertEquals(Map.of("position", 42L), store.offset(CONNECTOR, Map.of("filename", "/tmp/in.txt")));
        assertInstanceOf(
                Long.class,
                store.offset(CONNECTOR, Map.of("filename", "/tmp/in.txt")).get("position"));
    }

    @Test
    void refusesWhatKafkaConnectRefusesOnWrite() throws Exception {
        Method validate = connectRuntime
                .loadClass("org.apache.kafka.connect.storage.OffsetUtils")
                .getMethod("validateFormat", Map.class);
        List<Map<String, Object>> invalid = List.of(
                Map.of("nested", Map.of("a", 1)),
                Map.of("list", List.of(1, 2)),
                Map.of("decimal", new java.math.BigDecimal("1.5")),
                Map.of("char", 'c'));
        for (Map<String, Object> data : invalid) {
            InvocationTargetException theirs =
                    assertThrows(InvocationTargetException.class, () -> validate.invoke(null, data));
            assertInstanceOf(DataException.class, theirs.getCause());
            assertThrows(DataException.class, () -> OffsetRecords.key(CONNECTOR, data), data.toString());
            assertThrows(DataException.class, () -> OffsetRecords.value(CONNECTOR, data), data.toString());
        }
        validate.invoke(null, everyType());
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        Map<Map<String, Object>, Map<String, Object>> mixed = new LinkedHashMap<>();
        mixed.put(Map.of("file", "a"), Map.of("position", 1L));
        mixed.put(Map.of("file", "b"), Map.of("nested", Map.of("a", 1)));
        assertThrows(DataException.class, () -> store.write(CONNECTOR, mixed, 1000));
        assertNull(store.offset(CONNECTOR, Map.of("file", "a")), "nothing of a refused batch is written");
    }

    @Test
    void nestedValuesWrittenByAnotherToolReadAsNoOffsetAsInKafkaConnect() throws Exception {
        Map<String, Object> partition = Map.of("file", "a");
        byte[] key = OffsetRecords.key(CONNECTOR, partition);
        Map<ByteBuffer, ByteBuffer> topic = Map.of(
                ByteBuffer.wrap(key),
                ByteBuffer.wrap("{\"position\":{\"line\":1},\"l\":[1,2]}".getBytes(StandardCharsets.UTF_8)));
        assertNull(kafkaConnectReader(topic).offset(partition));
        OffsetRecords records = new OffsetRecords();
        records.apply(key, OffsetRecords.value(CONNECTOR, Map.of("position", 1L)));
        records.apply(key, bytes(topic.values().iterator().next()));
        assertNull(records.offset(CONNECTOR, partition), "the latest record is unreadable: no offset");
    }

    @Test
    void recordsOfOtherToolsAreSkipped() {
        OffsetRecords records = new OffsetRecords();
        records.apply("not json".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        records.apply("[\"only-one\"]".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        records.apply("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), records.offsets("only-one"));
    }

    @Test
    void theInMemoryTwinRoundTripsAndDeletes() {
        InMemoryOffsetStore store = new InMemoryOffsetStore();
        store.write("c", Map.of(Map.of("file", "a"), Map.of("position", 5)), 1000);
        assertEquals(Map.of("position", 5L), store.offset("c", Map.of("file", "a")));
        HashMap<Map<String, Object>, Map<String, Object>> delete = new HashMap<>();
        delete.put(Map.of("file", "a"), null);
        store.write("c", delete, 1000);
        assertNull(store.offset("c", Map.of("file", "a")));
    }

    // --- Apache Kafka Connect's side, through its own classes ---

    private static Converter internalConverter(boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), isKey); // what Kafka Connect's Worker configures
        return converter;
    }

    /** The records OffsetStorageWriter hands its backing store (what KafkaOffsetBackingStore sends to the topic). */
    private static Map<ByteBuffer, ByteBuffer> kafkaConnectWrites(Map<Map<String, Object>, Map<String, Object>> offsets)
            throws Exception {
        Map<ByteBuffer, ByteBuffer> topic = new HashMap<>();
        Object store = backingStore(topic);
        Class<?> writerClass = connectRuntime.loadClass("org.apache.kafka.connect.storage.OffsetStorageWriter");
        Class<?> storeClass = connectRuntime.loadClass("org.apache.kafka.connect.storage.OffsetBackingStore");
        Class<?> callbackClass = connectRuntime.loadClass("org.apache.kafka.connect.util.Callback");
        Object writer = writerClass
                .getConstructor(storeClass, String.class, Converter.class, Converter.class)
                .newInstance(store, CONNECTOR, internalConverter(true), internalConverter(false));
        Method offset = writerClass.getMethod("offset", Map.class, Map.class);
        for (Map.Entry<Map<String, Object>, Map<String, Object>> e : offsets.entrySet()) {
            offset.invoke(writer, e.getKey(), e.getValue());
        }
        writerClass.getMethod("beginFlush").invoke(writer);
        Future<?> flushed =
                (Future<?>) writerClass.getMethod("doFlush", callbackClass).invoke(writer, new Object[] {null});
        flushed.get();
        return topic;
    }

    private static OffsetStorageReader kafkaConnectReader(Map<ByteBuffer, ByteBuffer> topic) throws Exception {
        Class<?> readerClass = connectRuntime.loadClass("org.apache.kafka.connect.storage.OffsetStorageReaderImpl");
        Class<?> storeClass = connectRuntime.loadClass("org.apache.kafka.connect.storage.OffsetBackingStore");
        return (OffsetStorageReader) readerClass
                .getConstructor(storeClass, String.class, Converter.class, Converter.class)
                .newInstance(backingStore(topic), CONNECTOR, internalConverter(true), internalConverter(false));
    }

    /** Kafka Connect's OffsetBackingStore over a map of record bytes: only get and set are used by the two. */
    @SuppressWarnings("unchecked")
    private static Object backingStore(Map<ByteBuffer, ByteBuffer> topic) throws Exception {
        Class<?> storeClass = connectRuntime.loadClass("org.apache.kafka.connect.storage.OffsetBackingStore");
        Class<?> callbackClass = connectRuntime.loadClass("org.apache.kafka.connect.util.Callback");
        return Proxy.newProxyInstance(connectRuntime, new Class<?>[] {storeClass}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "set" -> {
                    topic.putAll((Map<ByteBuffer, ByteBuffer>) args[0]);
                    if (args[1] != null) {
                        callbackClass
                                .getMethod("onCompletion", Throwable.class, Object.class)
                                .invoke(args[1], null, null);
                    }
                    return CompletableFuture.completedFuture(null);
                }
                case "get" -> {
                    Map<ByteBuffer, ByteBuffer> found = new HashMap<>();
                    for (ByteBuffer k : (Collection<ByteBuffer>) args[0]) {
                        if (topic.containsKey(k)) {
                            found.put(k, topic.get(k));
                        }
                    }
                    return CompletableFuture.completedFuture(found);
                }
                default -> throw new UnsupportedOperationException(method.getName());
            }
        });
    }

    // --- helpers ---

    /** Equal maps whose values also have equal classes (Long 5 is not Integer 5 to a connector). */
    private static void assertTypedEquals(Map<String, Object> expected, Map<String, Object> actual) {
        assertEquals(expected, actual);
        expected.forEach((k, v) -> {
            Object a = actual.get(k);
            if (v instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) a, k);
            } else if (v != null) {
                assertEquals(v.getClass(), a.getClass(), "type of " + k);
            }
        });
    }

    private static Map<String, Object> hashMapOf(Object... kv) {
        return fill(new HashMap<>(), kv);
    }

    private static Map<String, Object> linkedMapOf(Object... kv) {
        return fill(new LinkedHashMap<>(), kv);
    }

    private static Map<String, Object> fill(Map<String, Object> m, Object... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static byte[] bytes(ByteBuffer b) {
        return b == null ? null : Arrays.copyOfRange(b.array(), b.arrayOffset(), b.arrayOffset() + b.limit());
    }

    private static String utf8(ByteBuffer b) {
        return new String(bytes(b), StandardCharsets.UTF_8);
    }
}
