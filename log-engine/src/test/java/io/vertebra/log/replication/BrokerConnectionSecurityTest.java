package io.vertebra.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.TestBroker;
import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.security.TestCertificates;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inter-broker client side of a SASL_SSL listener: what a follower meets when it connects to a leader. */
class BrokerConnectionSecurityTest {
    static final String RIGHT = "inter-broker-Pw-right";
    static final String STALE = "inter-broker-Pw-stale";

    @TempDir
    static Path dir;

    static TestBroker leader;

    static Map<String, String> settings(String password) {
        Map<String, String> settings = new HashMap<>(TestCertificates.get().brokerSettings("SASL_SSL"));
        settings.put("sasl.plain.users", "broker:" + password);
        settings.put("sasl.inter.broker.username", "broker");
        settings.put("sasl.inter.broker.password", password);
        return settings;
    }

    @BeforeAll
    static void start() {
        leader = TestBroker.start(dir, settings(RIGHT));
    }

    @AfterAll
    static void stop() {
        if (leader != null) {
            leader.close();
        }
    }

    private static BrokerConnection open(Map<String, String> settings) throws Exception {
        return BrokerConnection.open(
                "127.0.0.1",
                leader.broker().port(),
                "replica-9",
                5000,
                ListenerSecurity.from(new BrokerConfig(settings)));
    }

    @Test
    void theInterBrokerUserIsServed() throws Exception {
        try (BrokerConnection connection = open(settings(RIGHT))) {
            ApiVersionsResponse response =
                    (ApiVersionsResponse) connection.send(new ApiVersionsRequest.Builder().build((short) 3), 5000);
            assertEquals(Errors.NONE.code(), response.data().errorCode());
        }
    }

    @Test
    void aStalePasswordIsRefusedWithoutShowingIt() {
        BrokerConnection.AuthenticationFailed e =
                assertThrows(BrokerConnection.AuthenticationFailed.class, () -> open(settings(STALE)));
        assertTrue(e.getMessage().contains("refused inter-broker user 'broker'"), e.getMessage());
        assertTrue(e.getMessage().contains("SASL_AUTHENTICATION_FAILED"), e.getMessage());
        assertFalse(e.getMessage().contains(STALE), e.getMessage());
        assertFalse(e.getMessage().contains(RIGHT), e.getMessage());
    }

    @Test
    void aLeaderCertificateOutsideTheTrustStoreFailsTheHandshake() {
        Map<String, String> untrusting = settings(RIGHT);
        untrusting.remove("ssl.truststore.location");
        untrusting.remove("ssl.truststore.password");
        BrokerConnection.AuthenticationFailed e =
                assertThrows(BrokerConnection.AuthenticationFailed.class, () -> open(untrusting));
        assertTrue(e.getMessage().startsWith("TLS handshake with broker at 127.0.0.1:"), e.getMessage());
    }
}
