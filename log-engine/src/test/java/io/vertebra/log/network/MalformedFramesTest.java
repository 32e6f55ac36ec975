package io.vertebra.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 malformed frames on raw sockets, from several connections at once: random bytes, negative and huge size
 * prefixes, unknown API keys, truncated headers and frames, valid headers with garbage bodies, and valid produce
 * requests carrying bad record data. The broker must close or answer each (never hang), keep what it stored,
 * keep serving a well-behaved client throughout, and work normally afterwards. The seed is printed; rerun one
 * with {@code -Dmalformed.seed=N}.
 */
class MalformedFramesTest {
    private static final int FRAMES = 10_000;
    private static final int WORKERS = 4;
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final int TOPIC_MAX_MESSAGE_BYTES = 10_240;
    private static final Duration REACTION = Duration.ofSeconds(15);
    private static final String TOPIC = "victim";

    /**
     * APIs whose garbage could still parse into a legitimate change (random topics, deletions): left out of the
     * garbage bodies. (APIs Kafka 4 removed, e.g. LEADER_AND_ISR, have no versions and are left out too.)
     */
    private static final Set<ApiKeys> MUTATING = EnumSet.of(
            ApiKeys.CREATE_TOPICS,
            ApiKeys.DELETE_TOPICS,
            ApiKeys.CREATE_PARTITIONS,
            ApiKeys.DELETE_RECORDS,
            ApiKeys.ALTER_CONFIGS,
            ApiKeys.INCREMENTAL_ALTER_CONFIGS,
            ApiKeys.ELECT_LEADERS,
            ApiKeys.ALTER_PARTITION_REASSIGNMENTS,
            ApiKeys.DELETE_GROUPS,
            ApiKeys.OFFSET_DELETE);

    /** Mutated requests that still parsed and were answered: these reached the handlers. */
    private static final AtomicLong ANSWERED_MUTATIONS = new AtomicLong();

    enum Kind {
        RANDOM_BYTES,
        NEGATIVE_SIZE,
        HUGE_SIZE,
        UNKNOWN_API_KEY,
        TRUNCATED_HEADER,
        PARTIAL_FRAME,
        GARBAGE_BODY,
        MUTATED_REQUEST,
        CORRUPT_CRC,
        TRUNCATED_BATCH,
        OVERSIZED_BATCH,
        UNKNOWN_PARTITION
    }

    @TempDir
    Path dir;

    @Test
    void tenThousandMalformedFrames() throws Exception {
        long seed = Long.getLong("malformed.seed", System.nanoTime());
        System.out.println("MalformedFramesTest seed: " + seed + " (rerun with -Dmalformed.seed=" + seed + ")");
        Map<String, String> settings = Map.of(
                "socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES), "auto.create.topics.enable", "false");
        try (UnexpectedErrors unexpected = UnexpectedErrors.install();
                TestBroker broker = TestBroker.start(dir, settings);
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1)
                            .configs(Map.of("max.message.bytes", Integer.toString(TOPIC_MAX_MESSAGE_BYTES)))))
                    .all()
                    .get();
            try (KafkaProducer<String, String> producer = broker.producer(Map.of("acks", "all"))) {
                for (int i = 0; i < 200; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "stored-" + i));
                }
                producer.flush();
            }
            List<String> before = readAll(broker);
            assertEquals(200, before.size());
            Set<String> topicsBefore = admin.listTopics().names().get();

            Map<Kind, AtomicLong> counts = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    Random random = new Random(seed + w);
                    boolean checksLiveness = w == 0;
                    workers.add(pool.submit(() -> {
                        storm(broker.bootstrap(), random, FRAMES / WORKERS, counts, checksLiveness ? admin : null);
                        return null;
                    }));
                }
                for (Future<?> f : workers) {
                    f.get(10, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            System.out.println("MalformedFramesTest frames by kind: " + new EnumMap<>(counts) + "; mutated requests"
                    + " answered: " + ANSWERED_MUTATIONS.get());
            assertEquals(
                    FRAMES, counts.values().stream().mapToLong(AtomicLong::get).sum());

            assertEquals(List.of(), unexpected.seen(), "no bad input may hit an unexpected exception");
            assertEquals(
                    1, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size(), "the node is alive");
            assertEquals(before, readAll(broker), "stored data is unchanged");
            assertEquals(topicsBefore, admin.listTopics().names().get());

            try (KafkaProducer<String, String> producer = broker.producer(Map.of("acks", "all"))) {
                assertEquals(
                        100,
                        producer.send(new ProducerRecord<>(TOPIC, 0, "k", "after"))
                                .get()
                                .offset());
            }
            List<String> after = readAll(broker);
            assertEquals(201, after.size());
            assertTrue(after.contains("0:100:after"), after.toString());
        }
    }

    /** Sends {@code frames} malformed frames; bad produce requests go over one long-lived connection. */
    private static void storm(String bootstrap, Random random, int frames, Map<Kind, AtomicLong> counts, Admin admin)
            throws Exception {
        try (RawKafkaSocket produceConnection = RawKafkaSocket.connect(bootstrap)) {
            for (int i = 0; i < frames; i++) {
                Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
                counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
                switch (kind) {
                    case CORRUPT_CRC, TRUNCATED_BATCH, OVERSIZED_BATCH, UNKNOWN_PARTITION ->
                        badProduce(produceConnection, kind, random);
                    default -> malformedConnection(bootstrap, kind, random);
                }
                if (admin != null && i % 500 == 0) {
                    assertEquals(
                            1,
                            admin.describeCluster()
                                    .nodes()
                                    .get(30, TimeUnit.SECONDS)
                                    .size(),
                            "a well-behaved client is served during the storm");
                }
            }
        }
    }

    private static void malformedConnection(String bootstrap, Kind kind, Random random) throws IOException {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(bootstrap)) {
            switch (kind) {
                case RANDOM_BYTES -> {
                    socket.writeRaw(randomBytes(random, 1 + random.nextInt(200)));
                    socket.shutdownOutput();
                    assertTrue(socket.awaitClosedByServer(REACTION), kind + ": connection left open");
                }
                case NEGATIVE_SIZE -> {
                    socket.writeRaw(sizePrefixed(-1 - random.nextInt(Integer.MAX_VALUE), randomBytes(random, 16)));
                    assertTrue(socket.awaitClosedByServer(REACTION), kind + ": the server must close by itself");
                }
                case HUGE_SIZE -> {
                    int size = MAX_REQUEST_BYTES + 1 + random.nextInt(Integer.MAX_VALUE - MAX_REQUEST_BYTES);
                    socket.writeRaw(sizePrefixed(size, randomBytes(random, 16)));
                    assertTrue(socket.awaitClosedByServer(REACTION), kind + ": the server must close by itself");
                }
                case UNKNOWN_API_KEY -> {
                    short key;
                    do {
                        key = (short) random.nextInt(Short.MAX_VALUE + 1 - Short.MIN_VALUE);
                    } while (ApiKeys.hasId(key));
                    ByteBuffer frame = ByteBuffer.allocate(10 + 8);
                    frame.putShort(key)
                            .putShort((short) 0)
                            .putInt(random.nextInt())
                            .putShort((short) 4);
                    frame.put("fuzz".getBytes(StandardCharsets.UTF_8)).putInt(random.nextInt());
                    socket.writeRaw(sizePrefixed(frame.capacity(), frame.array()));
                    socket.awaitAnswerOrClose(REACTION);
                }
                case TRUNCATED_HEADER -> {
                    ByteBuffer header = ByteBuffer.allocate(10);
                    header.putShort(randomKnownKey(random).id)
                            .putShort((short) random.nextInt(20))
                            .putInt(random.nextInt())
                            .putShort((short) 10);
                    byte[] cut = new byte[random.nextInt(10)];
                    System.arraycopy(header.array(), 0, cut, 0, cut.length);
                    socket.writeRaw(sizePrefixed(cut.length, cut));
                    socket.awaitAnswerOrClose(REACTION);
                }
                case PARTIAL_FRAME -> {
                    int promised = 100 + random.nextInt(MAX_REQUEST_BYTES - 100);
                    socket.writeRaw(sizePrefixed(promised, randomBytes(random, random.nextInt(100))));
                    socket.shutdownOutput();
                    assertTrue(socket.awaitClosedByServer(REACTION), kind + ": connection left open");
                }
                case GARBAGE_BODY -> {
                    ApiKeys api = randomKnownKey(random);
                    short version = (short)
                            (api.oldestVersion() + random.nextInt(api.latestVersion() - api.oldestVersion() + 1));
                    byte[] header = header(api, version, random.nextInt());
                    byte[] body = randomBytes(random, random.nextInt(300));
                    ByteBuffer frame = ByteBuffer.allocate(header.length + body.length)
                            .put(header)
                            .put(body);
                    socket.writeRaw(sizePrefixed(frame.capacity(), frame.array()));
                    socket.shutdownOutput();
                    assertTrue(socket.awaitClosedByServer(REACTION), kind + " " + api + ": connection left open");
                }
                case MUTATED_REQUEST -> {
                    byte[] frame = mutatedRequest(random);
                    socket.writeRaw(sizePrefixed(frame.length, frame));
                    // end our side at once: a mutation may turn a fetch into one that waits for data for days,
                    // which is legitimate; the answer to what parsed still comes before the close
                    socket.shutdownOutput();
                    if (socket.awaitAnswerOrClose(REACTION) != null) {
                        ANSWERED_MUTATIONS.incrementAndGet();
                    }
                    assertTrue(socket.awaitClosedByServer(REACTION), kind + ": connection left open");
                }
                default -> throw new IllegalStateException(kind.toString());
            }
        }
    }

    /** A valid produce request whose record data is bad; the answer must name the problem per partition. */
    private static void badProduce(RawKafkaSocket socket, Kind kind, Random random) {
        int partition = kind == Kind.UNKNOWN_PARTITION ? 7 : random.nextInt(2);
        int valueBytes = kind == Kind.OVERSIZED_BATCH ? 2 * TOPIC_MAX_MESSAGE_BYTES : 10 + random.nextInt(200);
        MemoryRecords records = MemoryRecords.withRecords(
                Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), randomBytes(random, valueBytes)),
                new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), randomBytes(random, 5)));
        ByteBuffer bytes = records.buffer().duplicate();
        Errors expected;
        switch (kind) {
            case CORRUPT_CRC -> {
                int at = 61 + random.nextInt(bytes.limit() - 61); // past the header: inside the CRC-covered part
                bytes.put(at, (byte) (bytes.get(at) ^ (1 + random.nextInt(255))));
                expected = Errors.CORRUPT_MESSAGE;
            }
            case TRUNCATED_BATCH -> {
                bytes.limit(bytes.limit() - 1 - random.nextInt(bytes.limit() - 70));
                expected = Errors.CORRUPT_MESSAGE;
            }
            case OVERSIZED_BATCH -> expected = Errors.MESSAGE_TOO_LARGE;
            default -> expected = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(10_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData()
                .add(new ProduceRequestData.PartitionProduceData()
                        .setIndex(partition)
                        .setRecords(MemoryRecords.readableRecords(bytes.slice())));
        data.topicData().add(topic);
        ProduceResponse response = socket.send(new ProduceRequest(data, (short) 12));
        var result = response.data()
                .responses()
                .iterator()
                .next()
                .partitionResponses()
                .get(0);
        assertEquals(expected, Errors.forCode(result.errorCode()), kind + ": " + result.errorMessage());
        assertNotNull(result.errorMessage(), kind + " is answered with a message");
    }

    /** A request this broker serves, as a client would send it, then with 1 to 3 bytes of its body changed. */
    private static byte[] mutatedRequest(Random random) {
        ApiMessage body = VALID_REQUESTS.get(random.nextInt(VALID_REQUESTS.size()));
        ApiKeys api = ApiKeys.forId(body.apiKey());
        short version = body.highestSupportedVersion();
        if (api == ApiKeys.FETCH) {
            version = 12; // the last version with topic names
        }
        byte[] header = header(api, version, random.nextInt());
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer frame = ByteBuffer.allocate(header.length + body.size(cache, version));
        frame.put(header);
        body.write(new ByteBufferAccessor(frame), cache, version);
        byte[] bytes = frame.array();
        if (bytes.length > header.length) {
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                bytes[header.length + random.nextInt(bytes.length - header.length)] = (byte) random.nextInt(256);
            }
        }
        return bytes;
    }

    private static final List<ApiMessage> VALID_REQUESTS = List.of(
            new MetadataRequestData()
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)))
                    .setAllowAutoTopicCreation(false),
            new ListOffsetsRequestData()
                    .setReplicaId(-1)
                    .setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                            .setName(TOPIC)
                            .setPartitions(List.of(
                                    new ListOffsetsRequestData.ListOffsetsPartition()
                                            .setPartitionIndex(0)
                                            .setTimestamp(-1),
                                    new ListOffsetsRequestData.ListOffsetsPartition()
                                            .setPartitionIndex(1)
                                            .setTimestamp(-2))))),
            new FetchRequestData()
                    .setReplicaId(-1)
                    .setMaxWaitMs(0)
                    .setMinBytes(1)
                    .setMaxBytes(1 << 20)
                    .setSessionEpoch(-1)
                    .setTopics(List.of(new FetchRequestData.FetchTopic()
                            .setTopic(TOPIC)
                            .setPartitions(List.of(new FetchRequestData.FetchPartition()
                                    .setPartition(0)
                                    .setFetchOffset(0)
                                    .setPartitionMaxBytes(1 << 16))))),
            new DescribeConfigsRequestData()
                    .setIncludeSynonyms(true)
                    .setResources(List.of(
                            new DescribeConfigsRequestData.DescribeConfigsResource()
                                    .setResourceType(ConfigResource.Type.TOPIC.id())
                                    .setResourceName(TOPIC),
                            new DescribeConfigsRequestData.DescribeConfigsResource()
                                    .setResourceType(ConfigResource.Type.BROKER.id())
                                    .setResourceName("1"),
                            new DescribeConfigsRequestData.DescribeConfigsResource()
                                    .setResourceType(ConfigResource.Type.BROKER.id())
                                    .setResourceName(""))),
            new DescribeTopicPartitionsRequestData()
                    .setTopics(List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName(TOPIC)))
                    .setResponsePartitionLimit(10)
                    .setCursor(new DescribeTopicPartitionsRequestData.Cursor()
                            .setTopicName(TOPIC)
                            .setPartitionIndex(0)),
            offsetForLeaderEpoch(),
            new DescribeLogDirsRequestData().setTopics(describableLogDirs()),
            new DescribeProducersRequestData()
                    .setTopics(List.of(new DescribeProducersRequestData.TopicRequest()
                            .setName(TOPIC)
                            .setPartitionIndexes(List.of(0, 1)))),
            new DescribeClusterRequestData().setIncludeClusterAuthorizedOperations(true),
            new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1.0"),
            new FindCoordinatorRequestData().setKeyType((byte) 0).setCoordinatorKeys(List.of("fuzz-group")),
            new ListGroupsRequestData(),
            new DescribeGroupsRequestData().setGroups(List.of("fuzz-group")),
            new OffsetFetchRequestData()
                    .setGroups(List.of(new OffsetFetchRequestData.OffsetFetchRequestGroup()
                            .setGroupId("fuzz-group")
                            .setTopics(null))));

    private static ApiMessage offsetForLeaderEpoch() {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC);
        topic.partitions()
                .add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                        .setPartition(0)
                        .setCurrentLeaderEpoch(0)
                        .setLeaderEpoch(0));
        data.topics().add(topic);
        return data;
    }

    private static DescribeLogDirsRequestData.DescribableLogDirTopicCollection describableLogDirs() {
        DescribeLogDirsRequestData.DescribableLogDirTopicCollection topics =
                new DescribeLogDirsRequestData.DescribableLogDirTopicCollection();
        topics.add(new DescribeLogDirsRequestData.DescribableLogDirTopic()
                .setTopic(TOPIC)
                .setPartitions(List.of(0, 1)));
        return topics;
    }

    private static ApiKeys randomKnownKey(Random random) {
        while (true) {
            ApiKeys api = ApiKeys.values()[random.nextInt(ApiKeys.values().length)];
            if (!MUTATING.contains(api) && api.latestVersion() >= api.oldestVersion()) {
                return api;
            }
        }
    }

    private static byte[] header(ApiKeys api, short version, int correlationId) {
        RequestHeader header = new RequestHeader(api, version, "fuzz", correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer buffer = ByteBuffer.allocate(header.data().size(cache, header.headerVersion()));
        header.data().write(new ByteBufferAccessor(buffer), cache, header.headerVersion());
        return buffer.array();
    }

    private static byte[] sizePrefixed(int size, byte[] bytes) {
        return ByteBuffer.allocate(4 + bytes.length).putInt(size).put(bytes).array();
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Every record of the topic as "partition:offset:value", in order. */
    private static List<String> readAll(TestBroker broker) {
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = broker.consumer(Map.of())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read the topic to its end within 60 s");
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(r.partition() + ":" + r.offset() + ":" + r.value());
                }
            }
        }
        records.sort(null);
        return records;
    }
}
