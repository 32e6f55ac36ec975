package io.vertebra.log.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.vertebra.log.network.ConnectionLimits;
import io.vertebra.log.network.ListenerLimits;
import io.vertebra.log.network.RequestMemory;
import java.util.function.ToDoubleFunction;

/**
 * What the listener's limits hold back, read when scraped:
 *
 * <ul>
 *   <li>{@value #REFUSED} (counter; tag {@code limit} = max.connections|max.connections.per.ip): connections
 *       closed as they were accepted;
 *   <li>{@value #MEMORY_USED}, {@value #MEMORY_PEAK}, {@value #MEMORY_BUDGET}: request bytes reserved now, the
 *       most ever reserved at once, and the budget ({@code queued.max.request.bytes});
 *   <li>{@value #MEMORY_WAITING}: connections whose reading waits for request memory.
 * </ul>
 */
final class ListenerLimitMetrics {
    static final String REFUSED = "vertebra.broker.connections.refused";
    static final String MEMORY_USED = "vertebra.broker.request.memory.used.bytes";
    static final String MEMORY_PEAK = "vertebra.broker.request.memory.peak.bytes";
    static final String MEMORY_BUDGET = "vertebra.broker.request.memory.budget.bytes";
    static final String MEMORY_WAITING = "vertebra.broker.request.memory.waiting.connections";

    private ListenerLimitMetrics() {}

    static void register(OwnedMeters meters, ConnectionLimits connections, RequestMemory memory) {
        refused(meters, connections, ListenerLimits.MAX_CONNECTIONS, ConnectionLimits::refusedTotal);
        refused(meters, connections, ListenerLimits.MAX_CONNECTIONS_PER_IP, ConnectionLimits::refusedPerIp);
        gauge(meters, MEMORY_USED, "Request bytes reserved now (being read or handled)", memory, m -> m.usedBytes());
        gauge(meters, MEMORY_PEAK, "Most request bytes reserved at once since start", memory, m -> m.peakBytes());
        gauge(
                meters,
                MEMORY_BUDGET,
                "The request memory budget (queued.max.request.bytes)",
                memory,
                m -> m.budgetBytes());
        gauge(meters, MEMORY_WAITING, "Connections waiting for request memory", memory, m -> m.waiting());
    }

    private static void refused(
            OwnedMeters meters, ConnectionLimits connections, String limit, ToDoubleFunction<ConnectionLimits> count) {
        meters.own(FunctionCounter.builder(REFUSED, connections, count)
                .description("Connections closed as they were accepted because a limit was reached")
                .tag("limit", limit)
                .register(meters.registry()));
    }

    private static void gauge(
            OwnedMeters meters,
            String name,
            String description,
            RequestMemory memory,
            ToDoubleFunction<RequestMemory> value) {
        meters.own(Gauge.builder(name, memory, value)
                .description(description)
                .strongReference(true)
                .register(meters.registry()));
    }
}
