package io.vertebra.log.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertebra.log.LogCapture;
import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A SASL_PLAINTEXT listener against real kafka-clients and hand-made SASL requests. */
class SaslListenerTest {
    static final String ALICE_PASSWORD = "alice-Pw-7f3a";
    static final String BROKER_PASSWORD = "broker-Pw-91c2";
    static final String WRONG_PASSWORD = "wrong-Pw-0d4e";

    @TempDir
    static Path dir;

    static LogCapture logs;
    static SimpleMeterRegistry meters = new SimpleMeterRegistry();
    static TestBroker broker;

    @BeforeAll
    static void start() {
        logs = LogCapture.start();
        broker = new TestBroker(
                dir,
                Map.of(
                        "listener.security.protocol",
                        "SASL_PLAINTEXT",
                        "sasl.plain.users",
                        "broker:" + BROKER_PASSWORD + ",alice:" + ALICE_PASSWORD,
                        "sasl.inter.broker.username",
                        "broker",
                        "sasl.inter.broker.password",
                        BROKER_PASSWORD),
                meters);
        broker.start();
    }

    @AfterAll
    static void stopAndCheckLogsAndMeters() {
        double failures = meters.get("vertebra.broker.authentications")
                .tags("mechanism", "PLAIN", "result", "failure")
                .counter()
                .count();
        double successes = meters.get("vertebra.broker.authentications")
                .tags("mechanism", "PLAIN", "result", "success")
                .counter()
                .count();
        assertTrue(failures >= 4, "failed authentications counted: " + failures);
        assertTrue(successes >= 3, "successful authentications counted: " + successes);
        try {
            if (broker != null) {
                broker.close();
            }
        } finally {
            logs.close();
        }
        for (String secret : List.of(ALICE_PASSWORD, BROKER_PASSWORD, WRONG_PASSWORD)) {
            assertEquals(List.of(), logs.linesContaining(secret), "a password reached the log");
        }
        assertFalse(logs.linesContaining("SASL/PLAIN authentication failed").isEmpty(), "failures are logged");
    }

    static Map<String, Object> sasl(String mechanism, String user, String password) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism", mechanism);
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        settings.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return settings;
    }

    @Test
    void authenticatedClientsProduceAndConsume() throws Exception {
        Map<String, Object> alice = sasl("PLAIN", "alice", ALICE_PASSWORD);
        try (Admin admin = broker.admin(alice)) {
            admin.createTopics(List.of(new NewTopic("sasl-topic", 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> producerSettings = new HashMap<>(alice);
        producerSettings.put("acks", "all");
        try (KafkaProducer<String, String> producer = broker.producer(producerSettings)) {
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>("sasl-topic", "k" + i, "v" + i));
            }
            producer.flush();
        }
        Map<String, Object> consumerSettings = new HashMap<>(alice);
        consumerSettings.put("group.id", "sasl-group");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = broker.consumer(consumerSettings)) {
            consumer.subscribe(List.of("sasl-topic"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < 200 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
            consumer.commitSync();
        }
        assertEquals(200, values.size());
    }

    @Test
    void wrongPasswordIsRefusedWithSaslAuthenticationFailed() {
        try (Admin admin = broker.admin(sasl("PLAIN", "alice", WRONG_PASSWORD))) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            SaslAuthenticationException cause = assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            assertTrue(cause.getMessage().contains("Invalid username or password"), cause.getMessage());
            assertFalse(cause.getMessage().contains(WRONG_PASSWORD));
        }
        Map<String, Object> producerSettings = new HashMap<>(sasl("PLAIN", "nobody", ALICE_PASSWORD));
        producerSettings.put("max.block.ms", "20000");
        try (KafkaProducer<String, String> producer = broker.producer(producerSettings)) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("sasl-topic", "v")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
    }

    @Test
    void wrongPasswordOverTheWire() throws Exception {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            SaslHandshakeResponse handshake =
                    socket.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("PLAIN"))
                            .build((short) 1));
            assertEquals(Errors.NONE, handshake.error());
            SaslAuthenticateResponse response =
                    socket.send(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData()
                                    .setAuthBytes(("\0alice\0" + WRONG_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                            .build((short) 2));
            assertEquals(Errors.SASL_AUTHENTICATION_FAILED, response.error());
            assertTrue(socket.awaitClosedByServer(Duration.ofSeconds(10)), "closed after the failure");
        }
    }

    @Test
    void unsupportedMechanismIsToldTheEnabledOnes() {
        try (Admin admin = broker.admin(sasl("SCRAM-SHA-256", "alice", ALICE_PASSWORD))) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            UnsupportedSaslMechanismException cause =
                    assertInstanceOf(UnsupportedSaslMechanismException.class, e.getCause());
            assertTrue(cause.getMessage().contains("[PLAIN]"), cause.getMessage());
        }
    }

    @Test
    void requestsBeforeAuthenticationAreRefusedAndTheConnectionClosed() throws Exception {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            ApiVersionsResponse versions = socket.send(new ApiVersionsRequest.Builder().build((short) 3));
            assertEquals(Errors.NONE.code(), versions.data().errorCode());
            assertNotNull(versions.apiVersion(ApiKeys.SASL_HANDSHAKE.id));
            assertNotNull(versions.apiVersion(ApiKeys.SASL_AUTHENTICATE.id));
            MetadataResponse metadata =
                    socket.send(new MetadataRequest.Builder(List.of("sasl-topic"), false).build((short) 12));
            assertEquals(Errors.ILLEGAL_SASL_STATE, metadata.errors().get("sasl-topic"));
            assertTrue(socket.awaitClosedByServer(Duration.ofSeconds(10)));
        }
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            SaslAuthenticateResponse skipped =
                    socket.send(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData()
                                    .setAuthBytes(("\0alice\0" + ALICE_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                            .build((short) 2));
            assertEquals(Errors.ILLEGAL_SASL_STATE, skipped.error());
            assertTrue(socket.awaitClosedByServer(Duration.ofSeconds(10)));
        }
    }

    @Test
    void kip152ExchangeThenRequestsFlowAndSaslIsNotRepeatable() {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            SaslHandshakeResponse handshake =
                    socket.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("PLAIN"))
                            .build((short) 1));
            assertEquals(List.of("PLAIN"), handshake.enabledMechanisms());
            SaslAuthenticateResponse authenticated =
                    socket.send(new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData()
                                    .setAuthBytes(("alice\0alice\0" + ALICE_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                            .build((short) 1));
            assertEquals(Errors.NONE, authenticated.error());
            assertEquals(0, authenticated.sessionLifetimeMs());
            MetadataResponse metadata =
                    socket.send(MetadataRequest.Builder.allTopics().build((short) 12));
            assertEquals(1, metadata.brokers().size());
            SaslHandshakeResponse again =
                    socket.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("PLAIN"))
                            .build((short) 1));
            assertEquals(Errors.ILLEGAL_SASL_STATE, again.error());
        }
    }

    @Test
    void kip43RawTokensAfterAVersionZeroHandshake() throws Exception {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            SaslHandshakeResponse handshake =
                    socket.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("PLAIN"))
                            .build((short) 0));
            assertEquals(Errors.NONE, handshake.error());
            socket.writeFrame(ByteBuffer.wrap(("\0alice\0" + ALICE_PASSWORD).getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, socket.readFrame().length, "an empty server token: authenticated");
            MetadataResponse metadata =
                    socket.send(MetadataRequest.Builder.allTopics().build((short) 12));
            assertEquals(1, metadata.brokers().size());
        }
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            socket.send(new SaslHandshakeRequest.Builder(new SaslHandshakeRequestData().setMechanism("PLAIN"))
                    .build((short) 0));
            socket.writeFrame(ByteBuffer.wrap(("\0alice\0" + WRONG_PASSWORD).getBytes(StandardCharsets.UTF_8)));
            assertTrue(socket.awaitClosedByServer(Duration.ofSeconds(10)), "v0 has no error answer: closed");
        }
    }

    /** A PLAINTEXT listener takes SASL/PLAIN only from the node credential: any other user is refused. */
    @Test
    void saslClientOnAPlaintextListenerIsOnlyAcceptedAsTheNode(@TempDir Path plainDir) {
        try (TestBroker plain = TestBroker.start(plainDir);
                Admin admin = plain.admin(sasl("PLAIN", "alice", ALICE_PASSWORD))) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        }
    }
}
