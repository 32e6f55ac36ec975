package io.vertebra.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.security.InternalResources;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.junit.jupiter.api.Test;

/** What the node asks its broker to protect, and how its worker's clients authenticate. */
class NodeInternalResourcesTest {
    @Test
    void theWorkerTopicsAndGroupAsTheNodeConfigNamesThem() {
        InternalResources defaults = Node.internalResources(new NodeConfig(Map.of()));
        assertEquals(
                Set.of("connect-configs", "connect-offsets", "connect-status", "vertebra-apply"), defaults.topics());
        assertEquals(Set.of("vertebra"), defaults.groups());

        InternalResources renamed = Node.internalResources(new NodeConfig(Map.of(
                "config.storage.topic", "shop-configs",
                "status.storage.topic", " shop-status ",
                "group.id", "shop",
                "worker.enabled", "false")));
        assertEquals(Set.of("shop-configs", "connect-offsets", "shop-status", "vertebra-apply"), renamed.topics());
        assertEquals(Set.of("shop"), renamed.groups());
    }

    @Test
    void everyWorkerClientUsesTheNodeCredentialOverTheListenersTransport() {
        Map<String, String> plain = Node.nodeClientSecurity(SecurityProtocol.PLAINTEXT, "s3cret");
        Map<String, String> tls = Node.nodeClientSecurity(SecurityProtocol.SSL, "s3cret");
        for (String kind : new String[] {"producer.", "consumer.", "admin."}) {
            assertEquals("SASL_PLAINTEXT", plain.get(kind + "security.protocol"));
            assertEquals("SASL_SSL", tls.get(kind + "security.protocol"));
            assertEquals("PLAIN", plain.get(kind + "sasl.mechanism"));
            String jaas = plain.get(kind + "sasl.jaas.config");
            assertTrue(jaas.contains("username=\"__vertebra_node\" password=\"s3cret\";"), jaas);
        }
        assertFalse(plain.keySet().stream().anyMatch(k -> k.contains("ssl.")), plain.toString());
    }
}
