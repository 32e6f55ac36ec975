package io.vertebra.log.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The limit settings that depend on each other or have a format: each problem names the key and the value. */
class BrokerLimitsTest {
    private static String problem(Map<String, String> settings) {
        return assertThrows(ConfigException.class, () -> new BrokerConfig(settings))
                .getMessage();
    }

    @Test
    void theRequestBudgetMustHoldTheLargestRequest() {
        String message = problem(Map.of("queued.max.request.bytes", "1000000", "socket.request.max.bytes", "2000000"));
        assertTrue(message.contains("queued.max.request.bytes") && message.contains("1000000"), message);
        assertTrue(message.contains("socket.request.max.bytes (2000000)"), message);

        BrokerConfig auto = new BrokerConfig(Map.of("socket.request.max.bytes", "2000000"));
        assertEquals(2_000_000, BrokerLimits.queuedMaxRequestBytes(auto, 1_000_000), "at least one request");
        assertEquals(4_000_000, BrokerLimits.queuedMaxRequestBytes(auto, 8_000_000), "half the direct memory");
        BrokerConfig given =
                new BrokerConfig(Map.of("queued.max.request.bytes", "3000000", "socket.request.max.bytes", "2000000"));
        assertEquals(3_000_000, BrokerLimits.queuedMaxRequestBytes(given, 8_000_000));
    }

    @Test
    void perAddressOverridesAreParsedAndBadEntriesNamed() throws Exception {
        BrokerConfig config = new BrokerConfig(Map.of("max.connections.per.ip.overrides", "127.0.0.1:50, ::1:7"));
        Map<InetAddress, Integer> overrides = BrokerLimits.perIpOverrides(config);
        assertEquals(50, overrides.get(InetAddress.getByName("127.0.0.1")));
        assertEquals(7, overrides.get(InetAddress.getByName("::1")));
        assertEquals(2, overrides.size());

        String noCount = problem(Map.of("max.connections.per.ip.overrides", "10.0.0.1"));
        assertTrue(noCount.contains("'10.0.0.1' is not host-or-ip:count"), noCount);
        String badCount = problem(Map.of("max.connections.per.ip.overrides", "10.0.0.1:many"));
        assertTrue(badCount.contains("the count in '10.0.0.1:many'"), badCount);
        String unknown = problem(Map.of("max.connections.per.ip.overrides", "no-such-host.invalid:3"));
        assertTrue(unknown.contains("host 'no-such-host.invalid' cannot be resolved"), unknown);
        String zero = problem(Map.of("max.connections.per.ip", "0"));
        assertTrue(zero.contains("max.connections.per.ip.overrides"), zero);
    }
}
