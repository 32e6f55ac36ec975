package io.vertebra.log.metadata;

import java.util.List;

/**
 * One partition's replication state as the controller decided it: replicas (first = preferred leader), the
 * in-sync replicas, the leader (-1: none) and its epoch, and the partition epoch (bumped on every change).
 */
public record PartitionImage(
        int partition,
        List<Integer> replicas,
        List<Integer> isr,
        int leader,
        int leaderEpoch,
        int partitionEpoch,
        List<Integer> addingReplicas,
        List<Integer> removingReplicas) {

    public PartitionImage {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    public boolean hasLeader() {
        return leader >= 0;
    }
}
