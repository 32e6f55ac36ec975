package io.vertebra.log.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.security.TestCertificates;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The controller port's settings: when TLS and the secret apply, and the errors that name the key at fault. */
class ControllerSecurityTest {
    static final String QUORUM = "1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095";

    static ControllerSecurity security(Map<String, String> settings) {
        BrokerConfig config = new BrokerConfig(settings);
        return ControllerSecurity.from(config, ListenerSecurity.from(config));
    }

    static String error(Map<String, String> settings) {
        return assertThrows(ConfigException.class, () -> security(settings)).getMessage();
    }

    @Test
    void plaintextWithoutSettingsIsOpenAndBindsTheListenerHost() {
        ControllerSecurity security = security(Map.of("listener.host", "10.1.2.3", "controller.quorum.voters", QUORUM));
        assertFalse(security.tls());
        assertFalse(security.secret());
        assertEquals("10.1.2.3", security.bindHost());
        assertTrue(security.exposed(3), "three members on a non-loopback address, no credentials");
        assertFalse(security.exposed(1), "a single member has no peers to reach it");
    }

    @Test
    void theControllerHostOverridesTheListenerHost() {
        ControllerSecurity security =
                security(Map.of("listener.host", "0.0.0.0", "controller.listener.host", "127.0.0.1"));
        assertEquals("127.0.0.1", security.bindHost());
        assertFalse(security.exposed(3), "loopback only");
    }

    @Test
    void aTlsListenerMakesTheControllerPortMutualTls() {
        for (String protocol : new String[] {"SSL", "SASL_SSL"}) {
            Map<String, String> settings = new HashMap<>(TestCertificates.get().brokerSettings(protocol));
            settings.put("controller.quorum.voters", QUORUM);
            if (protocol.startsWith("SASL")) {
                settings.put("sasl.plain.users", "broker:broker-secret-pw");
                settings.put("sasl.inter.broker.username", "broker");
                settings.put("sasl.inter.broker.password", "broker-secret-pw");
            }
            ControllerSecurity security = security(settings);
            assertTrue(security.tls(), protocol);
            assertFalse(security.exposed(3), protocol);
        }
    }

    @Test
    void explicitTlsOnAPlaintextListenerUsesTheStores() {
        Map<String, String> settings = new HashMap<>(TestCertificates.get().brokerSettings("PLAINTEXT"));
        settings.put("controller.ssl.enable", "true");
        assertTrue(security(settings).tls());
    }

    @Test
    void explicitTlsWithoutStoresNamesTheKey() {
        String message = error(Map.of("controller.ssl.enable", "true"));
        assertTrue(message.contains("ssl.keystore.location is not set"), message);
        assertTrue(message.contains("controller.ssl.enable=true"), message);
    }

    @Test
    void tlsWithoutATrustStoreOfItsOwnIsRefused() {
        Map<String, String> settings = new HashMap<>(TestCertificates.get().brokerSettings("SSL"));
        settings.remove("ssl.truststore.location");
        settings.remove("ssl.truststore.password");
        assertFalse(security(settings).tls(), "a single node has no controller port: its listener may use JVM CAs");
        settings.put("controller.quorum.voters", QUORUM);
        String message = error(settings);
        assertTrue(message.contains("ssl.truststore.location is not set"), message);
    }

    @Test
    void aShortSecretNamesTheKeyButNotTheValue() {
        String message = error(Map.of("controller.secret", "short-pw"));
        assertTrue(message.contains("controller.secret is 8 characters long"), message);
        assertTrue(message.contains("at least 16"), message);
        assertFalse(message.contains("short-pw"), "the message leaks the secret: " + message);
    }

    @Test
    void aSecretSealsEntries() {
        ControllerSecurity security = security(Map.of("controller.secret", "0123456789abcdef-long-enough"));
        assertTrue(security.secret());
        assertFalse(security.exposed(3));
        assertFalse(security.toString().contains("0123456789abcdef"), security.toString());
    }

    @Test
    void aSaslPlaintextClusterMustProtectItsControllerPort() {
        Map<String, String> settings = new HashMap<>();
        settings.put("listener.security.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.plain.users", "broker:broker-secret-pw");
        settings.put("sasl.inter.broker.username", "broker");
        settings.put("sasl.inter.broker.password", "broker-secret-pw");
        settings.put("controller.quorum.voters", QUORUM);
        String message = error(settings);
        assertTrue(message.contains("set controller.secret"), message);

        settings.put("controller.secret", "0123456789abcdef-long-enough");
        assertTrue(security(settings).secret());
    }
}
