package io.vertebra.log.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.LogCapture;
import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
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
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An SSL listener against real kafka-clients configured for TLS, and against clients that are not. */
class TlsListenerTest {
    @TempDir
    static Path dir;

    static TestCertificates certificates;
    static TestBroker broker;

    @BeforeAll
    static void start() {
        certificates = TestCertificates.get();
        broker = TestBroker.start(dir, certificates.brokerSettings("SSL"));
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void tlsClientsProduceAndConsumeRecordsLargerThanAChunk() throws Exception {
        Map<String, Object> tls = certificates.clientSettings("SSL");
        try (Admin admin = broker.admin(tls)) {
            admin.createTopics(List.of(new NewTopic("tls-topic", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        String filler = "x".repeat(2000);
        Map<String, Object> producerSettings = new HashMap<>(tls);
        producerSettings.put("acks", "all");
        producerSettings.put("batch.size", "200000");
        producerSettings.put("linger.ms", "20");
        try (KafkaProducer<String, String> producer = broker.producer(producerSettings)) {
            for (int i = 0; i < 400; i++) {
                producer.send(new ProducerRecord<>("tls-topic", "k" + i, i + ":" + filler));
            }
            producer.flush();
        }
        int received = 0;
        try (KafkaConsumer<String, String> consumer = broker.consumer(tls)) {
            TopicPartition tp = new TopicPartition("tls-topic", 0);
            consumer.assign(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (received < 400 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    assertEquals(received + ":" + filler, r.value(), "record " + received + " intact and in order");
                    received++;
                }
            }
        }
        assertEquals(400, received, "about 800 KB read back through 64 KB TLS chunks");
    }

    @Test
    void plaintextClientOnTheTlsListenerFailsCleanly() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
                socket.writeFrame(new ApiVersionsRequest.Builder()
                        .build((short) 3)
                        .serializeWithHeader(new RequestHeader(
                                org.apache.kafka.common.protocol.ApiKeys.API_VERSIONS, (short) 3, "plain", 1)));
                assertTrue(socket.awaitClosedByServer(Duration.ofSeconds(10)), "the broker hangs up");
            }
            Map<String, Object> plaintext = Map.of("request.timeout.ms", "1500", "default.api.timeout.ms", "3000");
            try (Admin admin = broker.admin(plaintext)) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
                assertInstanceOf(TimeoutException.class, e.getCause());
            }
            assertFalse(
                    logs.linesContaining("does not speak TLS").isEmpty(),
                    logs.lines().toString());
            assertEquals(List.of(), logs.linesContaining("unexpected error"), "a plaintext client is no broker error");
        }
        try (Admin admin = broker.admin(certificates.clientSettings("SSL"))) {
            assertEquals(
                    broker.broker().clusterId(),
                    admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS),
                    "TLS clients are still served");
        }
    }

    @Test
    void requiredClientCertificate(@TempDir Path requiredDir) throws Exception {
        Map<String, String> settings = new HashMap<>(certificates.brokerSettings("SSL"));
        settings.put("ssl.client.auth", "required");
        try (TestBroker strict = TestBroker.start(requiredDir, settings)) {
            Map<String, Object> noCertificate = new HashMap<>(certificates.clientSettings("SSL"));
            noCertificate.put("request.timeout.ms", "10000");
            noCertificate.put("default.api.timeout.ms", "15000");
            try (Admin admin = strict.admin(noCertificate)) {
                ExecutionException e = assertThrows(
                        ExecutionException.class,
                        () -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
                assertInstanceOf(SslAuthenticationException.class, e.getCause());
            }
            try (Admin admin = strict.admin(certificates.clientSettingsWithCertificate("SSL"))) {
                assertEquals(
                        strict.broker().clusterId(),
                        admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            }
        }
    }
}
