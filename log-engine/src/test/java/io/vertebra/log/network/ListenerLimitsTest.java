package io.vertebra.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka listener's limits against a real broker, raw sockets and kafka-clients: connections past
 * {@code max.connections(.per.ip)} closed at accept while the others keep working, idle connections closed,
 * large frames refused before SASL authentication without reserving their size, and many half-sent large
 * frames held within {@code queued.max.request.bytes} (reading paused, resumed as memory frees).
 */
class ListenerLimitsTest {
    private static final Duration REACTION = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private TestBroker start(Map<String, String> settings) {
        TestBroker broker = new TestBroker(dir, settings, meters);
        broker.start();
        return broker;
    }

    private double refused(String limit) {
        return meters.get("vertebra.broker.connections.refused")
                .tag("limit", limit)
                .functionCounter()
                .count();
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    private static void assertServed(RawKafkaSocket socket) {
        ApiVersionsResponse answer = (ApiVersionsResponse) socket.send(
                new ApiVersionsRequestData().setClientSoftwareName("raw-test").setClientSoftwareVersion("1"),
                (short) 3);
        assertEquals(Errors.NONE.code(), answer.data().errorCode());
    }

    @Test
    void aConnectionOverThePerAddressLimitIsClosedWhileTheOthersWork() throws Exception {
        try (TestBroker broker = start(Map.of("max.connections.per.ip", "3"))) {
            List<RawKafkaSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    sockets.add(RawKafkaSocket.connect(broker.bootstrap()));
                    assertServed(sockets.get(i));
                }
                try (RawKafkaSocket fourth = RawKafkaSocket.connect(broker.bootstrap())) {
                    assertTrue(fourth.awaitClosedByServer(REACTION), "the fourth connection from 127.0.0.1 is closed");
                }
                assertEquals(1.0, refused("max.connections.per.ip"));
                assertEquals(0.0, refused("max.connections"));
                for (RawKafkaSocket socket : sockets) {
                    assertServed(socket);
                }
                sockets.remove(0).close();
                Awaitility.await().atMost(REACTION).until(() -> gauge("vertebra.broker.connections") == 2);
                try (RawKafkaSocket again = RawKafkaSocket.connect(broker.bootstrap())) {
                    assertServed(again); // a closed connection frees its place
                }
            } finally {
                sockets.forEach(RawKafkaSocket::close);
            }
        }
    }

    @Test
    void maxConnectionsCountsEveryAddressAndOverridesRaiseOne() throws Exception {
        Map<String, String> settings = Map.of(
                "max.connections.per.ip", "1",
                "max.connections.per.ip.overrides", "127.0.0.1:5",
                "max.connections", "2");
        try (TestBroker broker = start(settings);
                RawKafkaSocket first = RawKafkaSocket.connect(broker.bootstrap());
                RawKafkaSocket second = RawKafkaSocket.connect(broker.bootstrap())) {
            assertServed(first);
            assertServed(second); // the override lets 127.0.0.1 past max.connections.per.ip=1
            try (RawKafkaSocket third = RawKafkaSocket.connect(broker.bootstrap())) {
                assertTrue(third.awaitClosedByServer(REACTION), "the third connection passes max.connections=2");
            }
            assertEquals(1.0, refused("max.connections"));
            assertServed(first);
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterConnectionsMaxIdleMs() throws Exception {
        try (TestBroker broker = start(Map.of("connections.max.idle.ms", "300"));
                RawKafkaSocket idle = RawKafkaSocket.connect(broker.bootstrap())) {
            assertServed(idle);
            long startNs = System.nanoTime();
            assertTrue(idle.awaitClosedByServer(REACTION), "an idle connection is closed");
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(waitedMs >= 200, "closed only once idle, after " + waitedMs + " ms");
        }
    }

    @Test
    void aLargeFrameBeforeSaslAuthenticationIsRefusedWithoutReservingIt() throws Exception {
        Map<String, String> settings = Map.of(
                "listener.security.protocol", "SASL_PLAINTEXT",
                "sasl.plain.users", "broker:broker-Pw-1,alice:alice-Pw-2",
                "sasl.inter.broker.username", "broker",
                "sasl.inter.broker.password", "broker-Pw-1");
        try (TestBroker broker = start(settings)) {
            List<RawKafkaSocket> strangers = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    RawKafkaSocket stranger = RawKafkaSocket.connect(broker.bootstrap());
                    strangers.add(stranger);
                    byte[] start = new byte[4 + 64 * 1024];
                    ByteBuffer.wrap(start).putInt(100 * 1024 * 1024); // a 100 MB frame, 64 KB of it sent
                    stranger.writeRaw(start);
                }
                for (RawKafkaSocket stranger : strangers) {
                    assertTrue(stranger.awaitClosedByServer(REACTION), "a 100 MB frame before authentication");
                }
            } finally {
                strangers.forEach(RawKafkaSocket::close);
            }
            assertTrue(
                    gauge("vertebra.broker.request.memory.peak.bytes") < 1024 * 1024,
                    "peak request memory " + gauge("vertebra.broker.request.memory.peak.bytes"));

            // small requests are still read before authentication, and an authenticated client is served
            try (RawKafkaSocket client = RawKafkaSocket.connect(broker.bootstrap())) {
                assertServed(client);
            }
            Map<String, Object> alice = new HashMap<>();
            alice.put("security.protocol", "SASL_PLAINTEXT");
            alice.put("sasl.mechanism", "PLAIN");
            alice.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\""
                            + " password=\"alice-Pw-2\";");
            try (Admin admin = broker.admin(alice)) {
                admin.createTopics(List.of(new NewTopic("after-strangers", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Eight connections each send half of a 4 MB produce request into a 10 MB budget: two frames are reserved and
     * read, the other six connections stop reading. A normal client is still served from what is left; when the
     * first two finish, the waiting ones are read in turn and every request is answered — the budget never passed.
     */
    @Test
    void halfSentLargeFramesStayWithinTheRequestMemoryBudget() throws Exception {
        int frameLimit = 5 * 1024 * 1024;
        long budget = 10L * 1024 * 1024;
        Map<String, String> settings = Map.of(
                "socket.request.max.bytes", Integer.toString(frameLimit),
                "queued.max.request.bytes", Long.toString(budget),
                "auto.create.topics.enable", "false");
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try (TestBroker broker = start(settings);
                Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("large", 1, (short) 1)
                            .configs(Map.of("max.message.bytes", Integer.toString(frameLimit)))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            assertEquals((double) budget, gauge("vertebra.broker.request.memory.budget.bytes"));
            byte[] frame = largeProduceFrame("large", 4 * 1024 * 1024);
            int half = frame.length / 2;
            int frameSize = frame.length - 4;

            List<RawKafkaSocket> sockets = new ArrayList<>();
            List<CompletableFuture<Void>> firstHalves = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap());
                sockets.add(socket);
                firstHalves.add(
                        CompletableFuture.runAsync(() -> write(socket, Arrays.copyOfRange(frame, 0, half)), writers));
            }
            try {
                Awaitility.await().atMost(REACTION).untilAsserted(() -> {
                    assertEquals(2.0 * frameSize, gauge("vertebra.broker.request.memory.used.bytes"));
                    assertEquals(6.0, gauge("vertebra.broker.request.memory.waiting.connections"));
                });
                try (KafkaProducer<String, String> producer = broker.producer(Map.of("acks", "all"))) {
                    producer.send(new ProducerRecord<>("large", "normal", "client"))
                            .get(30, TimeUnit.SECONDS); // served from the 2 MB left
                }

                List<CompletableFuture<ProduceResponseData>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    RawKafkaSocket socket = sockets.get(i);
                    answers.add(firstHalves
                            .get(i)
                            .thenApplyAsync(
                                    ignored -> {
                                        write(socket, Arrays.copyOfRange(frame, half, frame.length));
                                        return produceAnswer(socket);
                                    },
                                    writers));
                }
                for (CompletableFuture<ProduceResponseData> answer : answers) {
                    ProduceResponseData data = answer.get(60, TimeUnit.SECONDS);
                    assertNotNull(data);
                    short error = data.responses()
                            .iterator()
                            .next()
                            .partitionResponses()
                            .get(0)
                            .errorCode();
                    assertEquals(Errors.NONE, Errors.forCode(error));
                }
            } finally {
                sockets.forEach(RawKafkaSocket::close);
            }
            Awaitility.await().atMost(REACTION).until(() -> gauge("vertebra.broker.request.memory.used.bytes") == 0.0);
            double peak = gauge("vertebra.broker.request.memory.peak.bytes");
            assertTrue(peak <= budget, "peak " + peak + " within the budget " + budget);
            assertTrue(peak >= 2.0 * frameSize, "two large frames were read at once: peak " + peak);
        } finally {
            writers.shutdownNow();
        }
    }

    private static void write(RawKafkaSocket socket, byte[] bytes) {
        try {
            socket.writeRaw(bytes);
        } catch (IOException e) {
            throw new AssertionError("cannot write", e);
        }
    }

    private static ProduceResponseData produceAnswer(RawKafkaSocket socket) {
        try {
            RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, (short) 12, "large-writer", 7);
            AbstractResponse response = AbstractResponse.parseResponse(ByteBuffer.wrap(socket.readFrame()), header);
            return ((ProduceResponse) response).data();
        } catch (IOException e) {
            throw new AssertionError("no answer", e);
        }
    }

    /** A size-prefixed Produce v12 request (acks=1) carrying one record of {@code valueBytes} random bytes. */
    private static byte[] largeProduceFrame(String topic, int valueBytes) {
        byte[] value = new byte[valueBytes];
        new Random(42).nextBytes(value);
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(null, value));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
        topicData
                .partitionData()
                .add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topicData);
        short version = 12;
        RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, version, "large-writer", 7);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int headerSize = header.data().size(cache, header.headerVersion());
        int bodySize = data.size(cache, version);
        ByteBuffer frame = ByteBuffer.allocate(4 + headerSize + bodySize);
        frame.putInt(headerSize + bodySize);
        header.data().write(new ByteBufferAccessor(frame), cache, header.headerVersion());
        data.write(new ByteBufferAccessor(frame), cache, version);
        return frame.array();
    }
}
