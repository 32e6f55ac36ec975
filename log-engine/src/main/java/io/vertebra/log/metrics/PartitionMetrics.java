package io.vertebra.log.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.replication.ReplicaFetchers;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Replica gauges and counters of one broker, read from {@link Partitions} when scraped (each gauge walks the
 * hosted replicas; nothing is kept up to date on the request path):
 *
 * <ul>
 *   <li>{@value #PARTITIONS}, {@value #LEADER_PARTITIONS}: replicas hosted, and those this broker leads;
 *   <li>{@value #UNDER_REPLICATED}: led partitions whose ISR is smaller than their replica set;
 *   <li>{@value #UNDER_MIN_ISR}: led partitions whose ISR is below {@code min.insync.replicas} (acks=all fails);
 *   <li>{@value #OFFLINE}: partitions without a leader, reported by the active controller only (0 elsewhere,
 *       so a sum over brokers counts each once);
 *   <li>{@value #OFFLINE_LOGS}: replicas hosted here whose log cannot be opened (quarantined or unreadable);
 *   <li>{@value #ISR_SHRINKS}, {@value #ISR_EXPANDS}: replicas leaving and joining the ISR of partitions this
 *       broker leads;
 *   <li>{@value #REPLICATION_BYTES_IN}: bytes this broker's replica fetchers appended.
 * </ul>
 */
final class PartitionMetrics {
    static final String PARTITIONS = "vertebra.broker.partitions";
    static final String LEADER_PARTITIONS = "vertebra.broker.leader.partitions";
    static final String UNDER_REPLICATED = "vertebra.broker.under.replicated.partitions";
    static final String UNDER_MIN_ISR = "vertebra.broker.under.min.isr.partitions";
    static final String OFFLINE = "vertebra.broker.offline.partitions";
    static final String OFFLINE_LOGS = "vertebra.broker.offline.logs";
    static final String ISR_SHRINKS = "vertebra.broker.isr.shrinks";
    static final String ISR_EXPANDS = "vertebra.broker.isr.expands";
    static final String REPLICATION_BYTES_IN = "vertebra.broker.replication.in";

    private PartitionMetrics() {}

    /** {@code fetchers} null on a standalone broker (no followers); {@code activeController} read on scrape. */
    static void register(
            OwnedMeters meters, Partitions partitions, ReplicaFetchers fetchers, BooleanSupplier activeController) {
        gauge(
                meters,
                PARTITIONS,
                "Partition replicas hosted by this broker",
                partitions,
                p -> p.all().size());
        gauge(meters, LEADER_PARTITIONS, "Partitions this broker leads", partitions, p -> count(p, false, false));
        gauge(
                meters,
                UNDER_REPLICATED,
                "Partitions led here whose in-sync replica set is smaller than their replica set",
                partitions,
                p -> count(p, true, false));
        gauge(
                meters,
                UNDER_MIN_ISR,
                "Partitions led here with fewer in-sync replicas than min.insync.replicas (acks=all produce fails)",
                partitions,
                p -> count(p, false, true));
        gauge(
                meters,
                OFFLINE,
                "Partitions without a leader (reported by the active controller; 0 on the other brokers)",
                partitions,
                p -> activeController.getAsBoolean() ? offline(p) : 0);
        gauge(
                meters,
                OFFLINE_LOGS,
                "Partition replicas hosted here whose log cannot be opened (corrupt and quarantined, or unreadable)",
                partitions,
                p -> p.offline().size());
        meters.own(FunctionCounter.builder(ISR_SHRINKS, partitions, p -> p.isrShrinks())
                .description("Replicas removed from the ISR of partitions this broker leads")
                .register(meters.registry()));
        meters.own(FunctionCounter.builder(ISR_EXPANDS, partitions, p -> p.isrExpands())
                .description("Replicas added to the ISR of partitions this broker leads")
                .register(meters.registry()));
        if (fetchers != null) {
            meters.own(FunctionCounter.builder(REPLICATION_BYTES_IN, fetchers, f -> f.bytesFetched())
                    .description("Bytes of record data this broker fetched from partition leaders as a follower")
                    .baseUnit("bytes")
                    .register(meters.registry()));
        }
    }

    private static void gauge(
            OwnedMeters meters,
            String name,
            String description,
            Partitions partitions,
            ToDoubleFunction<Partitions> f) {
        meters.own(Gauge.builder(name, partitions, f)
                .description(description)
                .strongReference(true)
                .register(meters.registry()));
    }

    /** Led partitions, optionally only under-replicated or only under min.insync.replicas. */
    private static double count(Partitions partitions, boolean underReplicated, boolean underMinIsr) {
        int n = 0;
        for (Partition p : partitions.all().values()) {
            Partition.Role role = p.role();
            if (!role.leader()) {
                continue;
            }
            if (underReplicated && role.isr().size() >= role.replicas().size()) {
                continue;
            }
            if (underMinIsr && role.isr().size() >= p.log().config().minInSyncReplicas()) {
                continue;
            }
            n++;
        }
        return n;
    }

    private static double offline(Partitions partitions) {
        int n = 0;
        for (TopicImage topic : partitions.image().topics().values()) {
            for (PartitionImage p : topic.partitions()) {
                if (!p.hasLeader()) {
                    n++;
                }
            }
        }
        return n;
    }
}
