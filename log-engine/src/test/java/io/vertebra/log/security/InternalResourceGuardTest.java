package io.vertebra.log.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.config.BrokerConfig;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.Test;

class InternalResourceGuardTest {
    static final KafkaPrincipal ALICE = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "alice");
    static final InternalResources WORKER = new InternalResources(Set.of("connect-configs"), Set.of("vertebra"));

    private static InternalResourceGuard guard(Map<String, String> settings) {
        BrokerConfig config = new BrokerConfig(settings);
        return InternalResourceGuard.from(config, ListenerSecurity.from(config), WORKER);
    }

    @Test
    void superUsersInKafkaSyntax() {
        assertEquals(
                Set.of(ALICE, new KafkaPrincipal(KafkaPrincipal.USER_TYPE, "CN=app,O=example")),
                InternalResourceGuard.parseSuperUsers(" User:alice ;User:CN=app,O=example;"));
        assertEquals(Set.of(), InternalResourceGuard.parseSuperUsers(""));
    }

    @Test
    void malformedSuperUsersAreNamed() {
        ConfigException e =
                assertThrows(ConfigException.class, () -> guard(Map.of("super.users", "alice;Group:ops;User:")));
        assertTrue(e.getMessage().contains("super.users"), e.getMessage());
        assertTrue(e.getMessage().contains("'alice'"), e.getMessage());
        assertTrue(e.getMessage().contains("'Group:ops'"), e.getMessage());
        assertTrue(e.getMessage().contains("'User:'"), e.getMessage());
    }

    @Test
    void onlyInternalTopicsAndTheWorkerGroupAreGuarded() {
        InternalResourceGuard guard = guard(Map.of("super.users", "User:alice"));
        assertNotNull(guard.checkTopic(KafkaPrincipal.ANONYMOUS, "connect-configs", "produce to"));
        assertNotNull(guard.checkTopic(KafkaPrincipal.ANONYMOUS, "__consumer_offsets", "delete"));
        assertNull(guard.checkTopic(KafkaPrincipal.ANONYMOUS, "orders", "produce to"));
        assertNull(guard.checkTopic(ALICE, "connect-configs", "produce to"));
        assertNull(guard.checkTopic(NodeCredential.PRINCIPAL, "__consumer_offsets", "delete"));
        assertNotNull(guard.checkGroup(KafkaPrincipal.ANONYMOUS, "vertebra"));
        assertNull(guard.checkGroup(KafkaPrincipal.ANONYMOUS, "connect-my-sink"));
        assertNull(guard.checkGroup(NodeCredential.PRINCIPAL, "vertebra"));
    }

    @Test
    void theReservedUserCannotBeConfigured() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ListenerSecurity.from(new BrokerConfig(Map.of(
                        "listener.security.protocol", "SASL_PLAINTEXT",
                        "sasl.plain.users", "broker:b-pw,__vertebra_node:guessed",
                        "sasl.inter.broker.username", "broker",
                        "sasl.inter.broker.password", "b-pw"))));
        assertTrue(e.getMessage().contains("'__vertebra_node' is reserved"), e.getMessage());
        assertTrue(!e.getMessage().contains("guessed"), e.getMessage());
    }
}
