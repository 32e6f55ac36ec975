package io.vertebra.log.metadata;

import java.util.List;

/**
 * One partition's replication state as the controller decided it: replicas (first = preferred leader), the
 * in-sync replicas, the leader (-1: none) and its epoch, and the partition epoch (bumped on every change).
 * {@code offlineReplicas} are the replicas whose broker reported the partition's log offline there (corrupt and
 * quarantined, or unopenable — Kafka's offline log directory): no election picks them, not even an unclean one,
 * until their broker reports the log back online. Absent in older records and snapshots: none.
 */
public record PartitionImage(
        int partition,
        List<Integer> replicas,
        List<Integer> isr,
        int leader,
        int leaderEpoch,
        int partitionEpoch,
        List<Integer> addingReplicas,
        List<Integer> removingReplicas,
        List<Integer> offlineReplicas) {

    public PartitionImage {
        offlineReplicas = offlineReplicas == null ? List.of() : List.copyOf(offlineReplicas);
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    public boolean hasLeader() {
        return leader >= 0;
    }

    /** Whether {@code replica}'s broker reported this partition's log offline. */
    public boolean isOffline(int replica) {
        return offlineReplicas.contains(replica);
    }
}
