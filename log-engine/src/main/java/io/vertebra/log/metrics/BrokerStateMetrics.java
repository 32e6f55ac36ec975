package io.vertebra.log.metrics;

import io.micrometer.core.instrument.Gauge;
import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.replication.DelayedOperations;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Gauges of the broker as a whole, read when scraped:
 *
 * <ul>
 *   <li>{@value #ACTIVE_CONTROLLER}: 1 on the node that leads the metadata quorum (a standalone broker always);
 *   <li>{@value #FENCED}: 1 while the cluster metadata marks this broker fenced (no heartbeat reached the
 *       controller in time; its leaderships moved away);
 *   <li>{@value #METADATA_OFFSET}: the offset of the last metadata record this broker applied;
 *   <li>{@value #CONNECTIONS}: open client connections on the Kafka listener;
 *   <li>{@value #PARKED} (tag {@code operation} = produce|fetch): requests waiting for replication (acks=all)
 *       or for data ({@code fetch.min.bytes}) — Kafka's purgatory sizes;
 *   <li>{@value #GROUPS}, {@value #GROUP_MEMBERS}: consumer groups this broker coordinates and their members
 *       (refreshed about every second).
 * </ul>
 */
final class BrokerStateMetrics {
    static final String ACTIVE_CONTROLLER = "vertebra.broker.active.controller";
    static final String FENCED = "vertebra.broker.fenced";
    static final String METADATA_OFFSET = "vertebra.broker.metadata.offset";
    static final String CONNECTIONS = "vertebra.broker.connections";
    static final String PARKED = "vertebra.broker.parked.requests";
    static final String GROUPS = "vertebra.broker.consumer.groups";
    static final String GROUP_MEMBERS = "vertebra.broker.consumer.group.members";

    /** Where the values come from; every supplier is called on the scraping thread and must be thread-safe. */
    record Sources(
            IntSupplier activeController,
            IntSupplier fenced,
            LongSupplier metadataOffset,
            IntSupplier connections,
            DelayedOperations delayed,
            Supplier<GroupCoordinator.Counts> groups) {}

    private BrokerStateMetrics() {}

    static void register(OwnedMeters meters, Sources sources) {
        gauge(
                meters,
                ACTIVE_CONTROLLER,
                "1 on the active controller (the metadata quorum leader), else 0",
                () -> sources.activeController().getAsInt());
        gauge(
                meters,
                FENCED,
                "1 while the cluster metadata marks this broker fenced, else 0",
                () -> sources.fenced().getAsInt());
        gauge(
                meters,
                METADATA_OFFSET,
                "Offset of the last cluster metadata record applied by this broker",
                () -> sources.metadataOffset().getAsLong());
        gauge(
                meters,
                CONNECTIONS,
                "Open client connections on the Kafka listener",
                () -> sources.connections().getAsInt());
        parked(meters, sources.delayed(), DelayedOperations.Kind.PRODUCE, "produce");
        parked(meters, sources.delayed(), DelayedOperations.Kind.FETCH, "fetch");
        gauge(
                meters,
                GROUPS,
                "Consumer groups coordinated by this broker",
                () -> sources.groups().get().groups());
        gauge(
                meters,
                GROUP_MEMBERS,
                "Members of the consumer groups coordinated by this broker",
                () -> sources.groups().get().members());
    }

    private static void parked(OwnedMeters meters, DelayedOperations delayed, DelayedOperations.Kind kind, String tag) {
        meters.own(Gauge.builder(PARKED, delayed, d -> d.parked(kind))
                .description("Requests parked waiting for replication (produce, acks=all) or for data (fetch)")
                .tag("operation", tag)
                .strongReference(true)
                .register(meters.registry()));
    }

    private static void gauge(OwnedMeters meters, String name, String description, Supplier<Number> value) {
        meters.own(Gauge.builder(name, value)
                .description(description)
                .strongReference(true)
                .register(meters.registry()));
    }
}
