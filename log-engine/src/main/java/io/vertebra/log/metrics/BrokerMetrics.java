package io.vertebra.log.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.network.ConnectionLimits;
import io.vertebra.log.network.RequestMemory;
import io.vertebra.log.replication.DelayedOperations;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.replication.ReplicaFetchers;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The broker's Micrometer meters, all named {@code vertebra.broker.*} (Prometheus: {@code vertebra_broker_*};
 * docs/metrics.md lists them). The broker registers them as its parts start and removes every one of them on
 * {@link #close()}, leaving the rest of a shared registry alone.
 *
 * <p>Thread-safety: registration happens on the starting thread; the meters are then updated from the network,
 * metadata and fetcher threads and read by whichever thread scrapes the registry.
 */
public final class BrokerMetrics implements AutoCloseable {
    private final OwnedMeters meters;
    private final RequestMetrics requests;
    private final TopicMetrics topics;

    public BrokerMetrics(MeterRegistry registry) {
        this.meters = new OwnedMeters(registry);
        this.requests = new RequestMetrics(meters);
        this.topics = new TopicMetrics(meters);
    }

    /** Per-request meters, fed by the Kafka listener. */
    public RequestMetrics requests() {
        return requests;
    }

    /** Per-topic traffic and log meters; register it as a {@link Partitions.RoleListener}. */
    public TopicMetrics topics() {
        return topics;
    }

    /** Replica gauges; {@code fetchers} null on a standalone broker. */
    public void registerPartitions(Partitions partitions, ReplicaFetchers fetchers, BooleanSupplier activeController) {
        PartitionMetrics.register(meters, partitions, fetchers, activeController);
    }

    /** Broker-wide gauges; each supplier is read on the scraping thread and must be thread-safe. */
    public void registerBrokerState(
            IntSupplier activeController,
            IntSupplier fenced,
            LongSupplier metadataOffset,
            IntSupplier connections,
            DelayedOperations delayed,
            Supplier<GroupCoordinator.Counts> groups) {
        BrokerStateMetrics.register(
                meters,
                new BrokerStateMetrics.Sources(activeController, fenced, metadataOffset, connections, delayed, groups));
    }

    /** The listener's limit meters: refused connections and the request memory budget. */
    public void registerListenerLimits(ConnectionLimits connections, RequestMemory memory) {
        ListenerLimitMetrics.register(meters, connections, memory);
    }

    /** Removes every meter of this broker from the registry. */
    @Override
    public void close() {
        meters.close();
    }
}
