package io.vertebra.log.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.config.BrokerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

class ListenerSecurityTest {
    private static ListenerSecurity security(Map<String, String> settings) {
        return ListenerSecurity.from(new BrokerConfig(settings));
    }

    @Test
    void plaintextByDefault() {
        assertSame(ListenerSecurity.PLAINTEXT, security(Map.of()));
    }

    @Test
    void unknownProtocolIsRefusedNamingTheKeyAndTheChoices() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> security(Map.of("listener.security.protocol", "TLS")));
        assertTrue(e.getMessage().contains("listener.security.protocol"), e.getMessage());
        assertTrue(e.getMessage().contains("SASL_SSL"), e.getMessage());
    }

    @Test
    void tlsWithoutKeyStoreNamesTheMissingKey() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> security(Map.of("listener.security.protocol", "ssl")));
        assertTrue(e.getMessage().contains("ssl.keystore.location is not set"), e.getMessage());
    }

    @Test
    void wrongKeyStorePasswordIsNamedButNeverShown() {
        Map<String, String> settings = new HashMap<>(TestCertificates.get().brokerSettings("SSL"));
        settings.put("ssl.keystore.password", "not-the-keystore-password");
        ConfigException e = assertThrows(ConfigException.class, () -> security(settings));
        assertTrue(e.getMessage().contains("ssl.keystore.password"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-keystore-password"), e.getMessage());
    }

    @Test
    void tlsLoadsTheStores() {
        ListenerSecurity security = security(TestCertificates.get().brokerSettings("SSL"));
        assertEquals(SecurityProtocol.SSL, security.protocol());
        assertNotNull(security.tls().newServerEngine());
        assertFalse(security.sasl());
    }

    @Test
    void saslReportsEveryMissingSettingAtOnce() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> security(Map.of("listener.security.protocol", "SASL_PLAINTEXT")));
        assertTrue(e.getMessage().contains("sasl.plain.users names no user"), e.getMessage());
        assertTrue(
                e.getMessage().contains("sasl.inter.broker.username and sasl.inter.broker.password"), e.getMessage());
    }

    @Test
    void interBrokerUserMustBeAnAcceptedUser() {
        Map<String, String> settings = Map.of(
                "listener.security.protocol", "SASL_PLAINTEXT",
                "sasl.plain.users", "broker:broker-pw,alice:alice-pw",
                "sasl.inter.broker.username", "broker",
                "sasl.inter.broker.password", "stale-broker-pw");
        ConfigException e = assertThrows(ConfigException.class, () -> security(settings));
        assertTrue(e.getMessage().contains("sasl.inter.broker.username=broker"), e.getMessage());
        assertFalse(e.getMessage().contains("broker-pw"), e.getMessage());
        assertFalse(e.getMessage().contains("alice-pw"), e.getMessage());
    }

    @Test
    void onlyPlainIsOffered() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> new BrokerConfig(Map.of("sasl.enabled.mechanisms", "SCRAM-SHA-256")));
        assertTrue(e.getMessage().contains("sasl.enabled.mechanisms"), e.getMessage());
    }

    @Test
    void secretsAreMaskedInTheConfig() {
        BrokerConfig config = new BrokerConfig(Map.of(
                "sasl.plain.users", "alice:alice-pw",
                "sasl.inter.broker.password", "broker-pw",
                "ssl.keystore.password", "ks-pw",
                "ssl.key.password", "key-pw",
                "ssl.truststore.password", "ts-pw"));
        String printed = config.values().toString();
        for (String secret : new String[] {"alice-pw", "broker-pw", "ks-pw", "key-pw", "ts-pw"}) {
            assertFalse(printed.contains(secret), secret);
        }
        ListenerSecurity security = security(Map.of(
                "listener.security.protocol", "SASL_PLAINTEXT",
                "sasl.plain.users", "broker:broker-pw",
                "sasl.inter.broker.username", "broker",
                "sasl.inter.broker.password", "broker-pw"));
        assertFalse(security.toString().contains("broker-pw"), security.toString());
        assertFalse(String.valueOf(security.interBrokerPassword()).contains("broker-pw"));
    }
}
