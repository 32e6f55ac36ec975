package io.vertebra.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.LogCapture;
import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Requests a client should not send: versions below or above what ApiVersions advertises, bodies that do not
 * parse at their version. Kafka's answers: ApiVersions too new gets a v0 answer listing the supported versions
 * and the connection stays; anything else unsupported or malformed closes the connection. The node log gets a
 * warning naming the client and the API — rate-limited, never a stack trace — and the broker keeps serving.
 */
class UnsupportedRequestsTest {
    @TempDir
    static Path dir;

    static TestBroker broker;

    @BeforeAll
    static void start() {
        broker = TestBroker.start(dir);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void tooNewApiVersionsIsAnsweredAtV0AndTheConnectionStays() throws Exception {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            short tooNew = (short) (ApiKeys.API_VERSIONS.latestVersion() + 1);
            // a client newer than this broker writes a header this broker may not know: build it at v2 (flexible)
            socket.writeFrame(frame(ApiKeys.API_VERSIONS, tooNew, "future-client", 7, new byte[] {0, 0, 0}));
            ByteBuffer answer = ByteBuffer.wrap(socket.readFrame());
            assertEquals(7, answer.getInt(), "correlation id");
            ApiVersionsResponse response = ApiVersionsResponse.parse(new ByteBufferAccessor(answer), (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), response.data().errorCode());
            ApiVersionsResponseData.ApiVersion apiVersions =
                    response.data().apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertNotNull(apiVersions, "the supported ApiVersions versions, so the client can retry");
            assertEquals(ApiKeys.API_VERSIONS.latestVersion(), apiVersions.maxVersion());
            // the connection is still usable
            MetadataResponse metadata = (MetadataResponse) socket.send(new MetadataRequestData(), (short) 12);
            assertEquals(1, metadata.data().brokers().size());
        }
    }

    @Test
    void badClientSoftwareNameIsInvalidRequest() {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            ApiVersionsResponse response = (ApiVersionsResponse) socket.send(
                    new ApiVersionsRequestData()
                            .setClientSoftwareName("not a name!")
                            .setClientSoftwareVersion("1.0"),
                    (short) 3);
            assertEquals(Errors.INVALID_REQUEST.code(), response.data().errorCode());
            MetadataResponse metadata = (MetadataResponse) socket.send(new MetadataRequestData(), (short) 12);
            assertEquals(1, metadata.data().brokers().size(), "the connection stays");
        }
    }

    @Test
    void versionsOutsideTheAdvertisedRangeCloseTheConnectionWithAWarningNamingTheClient() throws Exception {
        List<Case> cases = List.of(
                new Case(ApiKeys.PRODUCE, (short) (ApiKeys.PRODUCE.oldestVersion() - 1), "old-producer"),
                new Case(ApiKeys.FETCH, (short) (ApiKeys.FETCH.oldestVersion() - 1), "old-consumer"),
                new Case(ApiKeys.METADATA, (short) (ApiKeys.METADATA.latestVersion() + 1), "future-client"),
                new Case(ApiKeys.LIST_OFFSETS, (short) 0, "ancient-client"));
        for (Case c : cases) {
            try (LogCapture logs = LogCapture.start();
                    RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
                socket.writeFrame(frame(c.api(), c.version(), c.clientId(), 1, new byte[16]));
                assertTrue(socket.awaitClosedByServer(Duration.ofSeconds(30)), c + ": connection closed");
                List<String> warnings = logs.linesContaining(c.clientId());
                assertEquals(1, warnings.size(), c + ": one warning naming the client, got " + logs.lines());
                assertTrue(warnings.get(0).contains(c.api() + " v" + c.version()), warnings.get(0));
                assertNoStackTrace(logs);
            }
        }
        assertServing();
    }

    @Test
    void malformedBodiesCloseTheConnectionWithAWarning() throws Exception {
        try (LogCapture logs = LogCapture.start();
                RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            // Metadata v12 is flexible: a compact array length of 5 topics, then nothing
            socket.writeFrame(frame(ApiKeys.METADATA, (short) 12, "broken-encoder", 1, new byte[] {6}));
            assertTrue(socket.awaitClosedByServer(Duration.ofSeconds(30)));
            List<String> warnings = logs.linesContaining("broken-encoder");
            assertEquals(1, warnings.size(), "one warning naming the client, got " + logs.lines());
            assertTrue(warnings.get(0).contains("METADATA"), warnings.get(0));
            assertNoStackTrace(logs);
        }
        assertServing();
    }

    @Test
    void aClientRepeatingItsMistakeIsLoggedOnceAMinute() throws Exception {
        try (LogCapture logs = LogCapture.start()) {
            for (int i = 0; i < 50; i++) {
                try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
                    socket.writeFrame(frame(ApiKeys.PRODUCE, (short) 2, "looping-client", i, new byte[16]));
                    assertTrue(socket.awaitClosedByServer(Duration.ofSeconds(30)));
                }
            }
            assertEquals(1, logs.linesContaining("looping-client").size(), "rate-limited: " + logs.lines());
        }
        assertServing();
    }

    @Test
    void rateLimitStartsAgainAfterAMinuteWithTheCountLeftOut() {
        AtomicLong now = new AtomicLong();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        ClientMistakes mistakes = new ClientMistakes(LoggerFactory.getLogger("test-mistakes"), now::get);
        try (LogCapture logs = LogCapture.start()) {
            assertTrue(mistakes.warn("k", "mistake {}", 1));
            assertFalse(mistakes.warn("k", "mistake {}", 2));
            assertFalse(mistakes.warn("k", "mistake {}", 3));
            assertTrue(mistakes.warn("other", "other mistake"), "another key has its own window");
            now.addAndGet(ClientMistakes.INTERVAL_NS);
            assertTrue(mistakes.warn("k", "mistake {}", 4));
            lines.addAll(logs.linesContaining("mistake"));
        }
        assertEquals(
                List.of(
                        "test-mistakes mistake 1",
                        "test-mistakes other mistake",
                        "test-mistakes mistake 4 (2 more like it not logged)"),
                lines);
    }

    private record Case(ApiKeys api, short version, String clientId) {}

    /** A request frame with a v2 (flexible) or v1 header and {@code body} as it is, whatever the version. */
    private static ByteBuffer frame(ApiKeys api, short version, String clientId, int correlationId, byte[] body) {
        short headerVersion = api.isVersionSupported(version) ? api.requestHeaderVersion(version) : 1;
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(api.id)
                .setRequestApiVersion(version)
                .setClientId(clientId)
                .setCorrelationId(correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ByteBuffer frame = ByteBuffer.allocate(header.size(cache, headerVersion) + body.length);
        header.write(new ByteBufferAccessor(frame), cache, headerVersion);
        frame.put(body).flip();
        return frame;
    }

    private static void assertNoStackTrace(LogCapture logs) {
        for (String line : logs.lines()) {
            assertFalse(line.contains("\n\tat "), "a stack trace in the log for a client's mistake: " + line);
        }
    }

    private static void assertServing() {
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            MetadataResponse metadata = (MetadataResponse) socket.send(new MetadataRequestData(), (short) 12);
            assertEquals(1, metadata.data().brokers().size(), "the broker still serves");
        }
    }
}
