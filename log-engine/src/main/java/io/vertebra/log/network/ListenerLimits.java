package io.vertebra.log.network;

import java.net.InetAddress;
import java.util.Map;

/**
 * What one client may take from the listener, under Kafka's names: {@value #MAX_CONNECTIONS} in all,
 * {@value #MAX_CONNECTIONS_PER_IP} per client address (with per-address overrides), {@code queuedMaxRequestBytes}
 * of request bytes read and not yet handled over all connections ({@code queued.max.request.bytes}), and
 * {@code maxBytesBeforeAuthentication} per frame until a SASL client has authenticated
 * ({@code sasl.server.max.receive.size}).
 */
public record ListenerLimits(
        int maxConnections,
        int maxConnectionsPerIp,
        Map<InetAddress, Integer> maxConnectionsPerIpOverrides,
        long queuedMaxRequestBytes,
        int maxBytesBeforeAuthentication) {
    public static final String MAX_CONNECTIONS = "max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "max.connections.per.ip";

    public ListenerLimits {
        maxConnectionsPerIpOverrides = Map.copyOf(maxConnectionsPerIpOverrides);
    }

    /** No connection limits; a request budget of {@code queuedMaxRequestBytes}; Kafka's 512 KiB before SASL. */
    public static ListenerLimits connectionsUnlimited(long queuedMaxRequestBytes) {
        return new ListenerLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(), queuedMaxRequestBytes, 524_288);
    }
}
