package io.vertebra.log.network;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the listener's open connections, in all and per client address, and refuses one that would pass
 * {@code max.connections} or its address's limit ({@code max.connections.per.ip}, or the address's entry in
 * {@code max.connections.per.ip.overrides}). Thread-safe: the acceptor opens, any network thread closes.
 */
public final class ConnectionLimits {
    private final ListenerLimits limits;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final LongAdder refusedTotal = new LongAdder();
    private final LongAdder refusedPerIp = new LongAdder();

    ConnectionLimits(ListenerLimits limits) {
        this.limits = limits;
    }

    /**
     * Counts a new connection from {@code address}, or refuses it: returns null when it may stay, else the name of
     * the limit it would pass (nothing counted then).
     */
    String tryOpen(InetAddress address) {
        if (open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            refusedTotal.increment();
            return ListenerLimits.MAX_CONNECTIONS;
        }
        int max = limits.maxConnectionsPerIpOverrides().getOrDefault(address, limits.maxConnectionsPerIp());
        if (perAddress.merge(address, 1, Integer::sum) > max) {
            close(address);
            refusedPerIp.increment();
            return ListenerLimits.MAX_CONNECTIONS_PER_IP;
        }
        return null;
    }

    /** Forgets a connection counted by {@link #tryOpen}. */
    void close(InetAddress address) {
        open.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    public int open() {
        return open.get();
    }

    /** Connections refused since start because of {@code max.connections}. */
    public long refusedTotal() {
        return refusedTotal.sum();
    }

    /** Connections refused since start because of their address's limit. */
    public long refusedPerIp() {
        return refusedPerIp.sum();
    }
}
