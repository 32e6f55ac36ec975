package io.vertebra.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Poison batches (issue 14, finding 6): batches whose CRC is right but whose records section is not what the
 * header says — garbage inside a compressed batch, a record declaring a 2 GB length, the wrong number of records,
 * offset deltas out of order, keyless records on a compacted topic. Each is refused for its partition alone and
 * never stored, the connection stays open, and a consumer still reads everything around it. The CRC is always
 * computed over the bad bytes, so only the broker's look inside the batch can catch them.
 */
class PoisonBatchesTest {
    private static final AtomicInteger TOPICS = new AtomicInteger();

    @TempDir
    static Path dir;

    private static UnexpectedErrors unexpected;
    private static TestBroker broker;
    private static Admin admin;

    @BeforeAll
    static void start() {
        unexpected = UnexpectedErrors.install();
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false"));
        admin = broker.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
        unexpected.close();
        assertEquals(List.of(), unexpected.seen(), "bad batches are refused, not bugs");
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void garbageInsideACompressedBatchIsRefusedAndNeverStored(CompressionType codec) {
        String topic = topic(2, Map.of());
        byte[] garbage = new byte[200];
        new Random(codec.id).nextBytes(garbage);
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            assertAccepted(produce(socket, topic, 0, valid(codec, "before-1", "before-2")));
            List<PartitionProduceResponse> both = produce(
                    socket, topic, Map.of(0, batch(codec, garbage, 3, 2, 0), 1, valid(codec, "other-partition")));
            assertRefused(Errors.CORRUPT_MESSAGE, both.get(0));
            assertAccepted(both.get(1));
            assertAccepted(produce(socket, topic, 0, valid(codec, "after")));
        }
        assertEquals(List.of("before-1", "before-2", "after"), values(topic, 0));
        assertEquals(List.of("other-partition"), values(topic, 1));
    }

    enum HugeField {
        RECORD_LENGTH,
        KEY_LENGTH,
        VALUE_LENGTH,
        HEADER_VALUE_LENGTH
    }

    /**
     * A ~100-byte batch whose record declares a length near 2 GB: refused without allocating it (the surefire JVM
     * has 1 GB, so an allocation of the declared size fails), and the broker serves on.
     */
    @ParameterizedTest
    @EnumSource(HugeField.class)
    void aRecordDeclaringTwoGigabytesIsRefusedWithoutAllocatingThem(HugeField field) throws IOException {
        for (boolean compacted : new boolean[] {false, true}) {
            String topic = topic(1, compacted ? Map.of("cleanup.policy", "compact") : Map.of());
            int huge = Integer.MAX_VALUE - 8;
            ByteBufferOutputStream bodyOut = new ByteBufferOutputStream(64);
            java.io.DataOutputStream body = new java.io.DataOutputStream(bodyOut);
            body.write(0); // attributes
            ByteUtils.writeVarlong(0, body); // timestamp delta
            ByteUtils.writeVarint(0, body); // offset delta
            ByteUtils.writeVarint(field == HugeField.KEY_LENGTH ? huge : 1, body);
            body.write('k');
            ByteUtils.writeVarint(field == HugeField.VALUE_LENGTH ? huge : 1, body);
            body.write('v');
            ByteUtils.writeVarint(1, body); // one header
            ByteUtils.writeVarint(1, body);
            body.write('h');
            ByteUtils.writeVarint(field == HugeField.HEADER_VALUE_LENGTH ? huge : 1, body);
            body.write('x');
            byte[] payload = new byte[60];
            new Random(7).nextBytes(payload);
            body.write(payload);
            ByteBuffer bodyBytes = (ByteBuffer) bodyOut.buffer().flip();
            ByteBufferOutputStream recordOut = new ByteBufferOutputStream(128);
            java.io.DataOutputStream record = new java.io.DataOutputStream(recordOut);
            ByteUtils.writeVarint(field == HugeField.RECORD_LENGTH ? huge : bodyBytes.remaining(), record);
            recordOut.write(bodyBytes);
            byte[] recordBytes = bytes(recordOut);
            try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
                assertRefused(
                        Errors.CORRUPT_MESSAGE,
                        produce(
                                socket,
                                topic,
                                0,
                                batch(CompressionType.GZIP, compress(CompressionType.GZIP, recordBytes), 1, 0, 0)));
                assertRefused(
                        Errors.CORRUPT_MESSAGE,
                        produce(socket, topic, 0, batch(CompressionType.NONE, recordBytes, 1, 0, 0)));
                assertAccepted(produce(socket, topic, 0, valid(CompressionType.GZIP, "after")));
            }
            assertEquals(List.of("after"), values(topic, 0), field + (compacted ? " (compacted)" : ""));
        }
    }

    /**
     * snappy-java allocates what a snappy frame declares before reading it: a chunk's compressed size (up to 512
     * MB) and its uncompressed length (up to 4 GB); a few bytes declaring either must be refused before they reach
     * it.
     */
    @Test
    void snappyChunksDeclaringHugeSizesAreRefusedWithoutAllocatingThem() throws IOException {
        byte[] magic = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
        // a framed stream: magic, version 1, compatible version 1, then [int chunk size][raw snappy chunk]
        java.io.ByteArrayOutputStream hugeChunk = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream d = new java.io.DataOutputStream(hugeChunk);
        d.write(magic);
        d.writeInt(1);
        d.writeInt(1);
        d.writeInt(500 * 1024 * 1024);
        d.write(new byte[50]);
        // a raw snappy chunk starts with its uncompressed length as a varint: here 2^31 - 16
        byte[] hugeLength = {(byte) 0xf0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0, 1, 2, 3, 4, 5, 6};
        java.io.ByteArrayOutputStream framedHugeLength = new java.io.ByteArrayOutputStream();
        d = new java.io.DataOutputStream(framedHugeLength);
        d.write(magic);
        d.writeInt(1);
        d.writeInt(1);
        d.writeInt(hugeLength.length);
        d.write(hugeLength);
        for (boolean compacted : new boolean[] {false, true}) {
            String topic = topic(1, compacted ? Map.of("cleanup.policy", "compact") : Map.of());
            try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
                for (byte[] section : List.of(hugeChunk.toByteArray(), framedHugeLength.toByteArray(), hugeLength)) {
                    assertRefused(
                            Errors.CORRUPT_MESSAGE,
                            produce(socket, topic, 0, batch(CompressionType.SNAPPY, section, 1, 0, 0)));
                }
                assertAccepted(produce(socket, topic, 0, valid(CompressionType.SNAPPY, "after")));
            }
            assertEquals(List.of("after"), values(topic, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aRecordCountOrOffsetDeltasOtherThanTheHeaderSaysAreRefused(CompressionType codec) {
        String topic = topic(1, Map.of());
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            byte[] three = records(new int[] {0, 1, 2}, "a", "b", "c");
            // the header claims one record more than the section holds: it ends too early
            assertRefused(
                    Errors.CORRUPT_MESSAGE, produce(socket, topic, 0, batch(codec, compress(codec, three), 4, 3, 0)));
            // the header claims one record fewer: bytes are left over
            assertRefused(
                    Errors.CORRUPT_MESSAGE, produce(socket, topic, 0, batch(codec, compress(codec, three), 2, 1, 0)));
            byte[] swapped = records(new int[] {0, 2, 1}, "a", "b", "c");
            assertRefused(
                    Errors.INVALID_RECORD, produce(socket, topic, 0, batch(codec, compress(codec, swapped), 3, 2, 0)));
            byte[] gap = records(new int[] {0, 1, 3}, "a", "b", "c");
            assertRefused(
                    Errors.INVALID_RECORD, produce(socket, topic, 0, batch(codec, compress(codec, gap), 3, 2, 0)));
            assertAccepted(produce(socket, topic, 0, batch(codec, compress(codec, three), 3, 2, 0)));
        }
        assertEquals(List.of("a", "b", "c"), values(topic, 0));
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aKeylessRecordOnACompactedTopicIsRefusedNamingTheRecord(CompressionType codec) {
        String topic = topic(1, Map.of("cleanup.policy", "compact"));
        long now = System.currentTimeMillis();
        MemoryRecords records = MemoryRecords.withRecords(
                Compression.of(codec).build(),
                new SimpleRecord(now, "k0".getBytes(StandardCharsets.UTF_8), "v0".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(now, null, "no key".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(now, "k2".getBytes(StandardCharsets.UTF_8), "v2".getBytes(StandardCharsets.UTF_8)));
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            PartitionProduceResponse r = produce(socket, topic, 0, records.buffer());
            assertRefused(Errors.INVALID_RECORD, r);
            assertTrue(
                    r.errorMessage().contains("Compacted topic cannot accept message without key"), r.errorMessage());
            assertEquals(1, r.recordErrors().size(), "the keyless record is named: " + r.recordErrors());
            assertEquals(1, r.recordErrors().get(0).batchIndex());
            assertAccepted(produce(socket, topic, 0, valid(codec, "after")));
        }
        assertEquals(List.of("after"), values(topic, 0));
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void aRecordTimestampOutsideTheTopicsBoundsIsRefusedEvenIfTheBatchMaxIsFine(CompressionType codec) {
        String topic = topic(1, Map.of("message.timestamp.before.max.ms", "3600000"));
        long now = System.currentTimeMillis();
        MemoryRecords records = MemoryRecords.withRecords(
                Compression.of(codec).build(),
                new SimpleRecord(now, null, "now".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(now - Duration.ofDays(2).toMillis(), null, "old".getBytes(StandardCharsets.UTF_8)));
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            PartitionProduceResponse r = produce(socket, topic, 0, records.buffer());
            assertRefused(Errors.INVALID_TIMESTAMP, r);
            assertEquals(1, r.recordErrors().size(), "the old record is named: " + r.recordErrors());
            assertEquals(1, r.recordErrors().get(0).batchIndex());
        }
        assertEquals(List.of(), values(topic, 0));
    }

    @ParameterizedTest
    @EnumSource(
            value = CompressionType.class,
            names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void validBatchesOfEveryCodecAreStoredAndReadBackExactly(CompressionType codec) {
        String topic = topic(1, Map.of());
        long now = System.currentTimeMillis();
        List<SimpleRecord> sent = new ArrayList<>();
        Random random = new Random(codec.id);
        for (int i = 0; i < 500; i++) {
            byte[] value = new byte[random.nextInt(3000)];
            for (int j = 0; j < value.length; j++) {
                value[j] = (byte) ('a' + random.nextInt(4)); // compressible, printable
            }
            sent.add(new SimpleRecord(
                    now + i,
                    i % 7 == 0 ? null : ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    i % 11 == 0 ? null : value,
                    i % 3 == 0
                            ? new RecordHeader[] {
                                new RecordHeader("h" + i, ("hv" + i).getBytes(StandardCharsets.UTF_8)),
                                new RecordHeader("null-value", null)
                            }
                            : new RecordHeader[0]));
        }
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            assertAccepted(produce(
                    socket,
                    topic,
                    0,
                    MemoryRecords.withRecords(Compression.of(codec).build(), sent.toArray(SimpleRecord[]::new))
                            .buffer()));
        }
        List<ConsumerRecord<String, String>> read = read(topic, 0);
        assertEquals(sent.size(), read.size());
        for (int i = 0; i < sent.size(); i++) {
            SimpleRecord s = sent.get(i);
            ConsumerRecord<String, String> r = read.get(i);
            assertEquals(i, r.offset());
            assertEquals(s.timestamp(), r.timestamp());
            assertEquals(string(s.key()), r.key());
            assertEquals(string(s.value()), r.value());
            assertEquals(s.headers().length, r.headers().toArray().length);
        }
    }

    // --- batches with any content and a right CRC

    /** A v2 batch around {@code section} (already compressed with {@code codec}) with the CRC computed over it. */
    private static ByteBuffer batch(
            CompressionType codec, byte[] section, int count, int lastOffsetDelta, long baseTimestampOffset) {
        ByteBuffer buffer = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD + section.length);
        buffer.position(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        buffer.put(section);
        buffer.position(0);
        long now = System.currentTimeMillis() + baseTimestampOffset;
        DefaultRecordBatch.writeHeader(
                buffer,
                0L,
                lastOffsetDelta,
                buffer.capacity(),
                RecordBatch.MAGIC_VALUE_V2,
                codec,
                TimestampType.CREATE_TIME,
                now,
                now,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                false,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH,
                count);
        buffer.position(0);
        return buffer;
    }

    /** Uncompressed record bytes with the given offset deltas, keyless, with the given values. */
    private static byte[] records(int[] offsetDeltas, String... values) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(256);
        try (var data = new java.io.DataOutputStream(out)) {
            for (int i = 0; i < values.length; i++) {
                DefaultRecord.writeTo(
                        data,
                        offsetDeltas[i],
                        0,
                        null,
                        ByteBuffer.wrap(values[i].getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes(out);
    }

    private static byte[] compress(CompressionType codec, byte[] plain) {
        if (codec == CompressionType.NONE) {
            return plain;
        }
        ByteBufferOutputStream out = new ByteBufferOutputStream(plain.length + 64);
        try (OutputStream compressing = Compression.of(codec).build().wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)) {
            compressing.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes(out);
    }

    private static ByteBuffer valid(CompressionType codec, String... values) {
        long now = System.currentTimeMillis();
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(
                    now, "k".getBytes(StandardCharsets.UTF_8), values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.of(codec).build(), records).buffer();
    }

    private static byte[] bytes(ByteBufferOutputStream out) {
        ByteBuffer b = (ByteBuffer) out.buffer().flip();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return bytes;
    }

    // --- the broker

    private static String topic(int partitions, Map<String, String> configs) {
        String name = "poison-" + TOPICS.incrementAndGet();
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new AssertionError("cannot create " + name, e);
        }
        return name;
    }

    private static PartitionProduceResponse produce(
            RawKafkaSocket socket, String topic, int partition, ByteBuffer batch) {
        return produce(socket, topic, Map.of(partition, batch)).get(0);
    }

    /** One produce request for several partitions; the responses in partition order. */
    private static List<PartitionProduceResponse> produce(
            RawKafkaSocket socket, String topic, Map<Integer, ByteBuffer> batches) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData().setName(topic);
        batches.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> t.partitionData()
                        .add(new ProduceRequestData.PartitionProduceData()
                                .setIndex(e.getKey())
                                .setRecords(MemoryRecords.readableRecords(
                                        e.getValue().duplicate()))));
        data.topicData().add(t);
        ProduceResponse response = socket.send(new ProduceRequest(data, (short) 12));
        List<PartitionProduceResponse> partitions =
                new ArrayList<>(response.data().responses().iterator().next().partitionResponses());
        partitions.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return partitions;
    }

    private static void assertAccepted(PartitionProduceResponse r) {
        assertEquals(Errors.NONE, Errors.forCode(r.errorCode()), r.errorMessage());
    }

    private static void assertRefused(Errors expected, PartitionProduceResponse r) {
        assertEquals(expected, Errors.forCode(r.errorCode()), "answer: " + r.errorMessage());
        assertTrue(r.errorMessage() != null && !r.errorMessage().isEmpty(), "the refusal says why");
    }

    private static List<String> values(String topic, int partition) {
        return read(topic, partition).stream().map(ConsumerRecord::value).toList();
    }

    /** Everything in the partition, read by a real consumer: fails if any stored batch cannot be decoded. */
    private static List<ConsumerRecord<String, String>> read(String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = broker.consumer(Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + tp + " to its end (" + end + ") within 30 s");
                }
                consumer.poll(Duration.ofMillis(200)).records(tp).forEach(records::add);
            }
        }
        return records;
    }

    private static String string(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
