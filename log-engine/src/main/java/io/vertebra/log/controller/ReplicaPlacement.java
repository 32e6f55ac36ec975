package io.vertebra.log.controller;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;

/**
 * Spreads partition replicas over brokers: partition p's replicas are consecutive brokers (in id order)
 * starting at {@code (start + p) mod n}, so leaders (first replicas) and followers are balanced. The start is
 * derived from the topic name: deterministic, so every controller replica computes the same placement.
 */
final class ReplicaPlacement {
    private ReplicaPlacement() {}

    static List<List<Integer>> place(
            String topic, int firstPartition, int partitions, int replicationFactor, List<Integer> brokerIds) {
        int n = brokerIds.size();
        if (replicationFactor > n) {
            throw new InvalidReplicationFactorException("replication factor " + replicationFactor
                    + " is larger than the number of available brokers (" + n + ")");
        }
        List<Integer> sorted = new ArrayList<>(brokerIds);
        sorted.sort(Integer::compare);
        int start = Math.floorMod(topic.hashCode(), n);
        List<List<Integer>> assignments = new ArrayList<>();
        for (int p = firstPartition; p < firstPartition + partitions; p++) {
            List<Integer> replicas = new ArrayList<>();
            for (int r = 0; r < replicationFactor; r++) {
                replicas.add(sorted.get((start + p + r) % n));
            }
            assignments.add(replicas);
        }
        return assignments;
    }
}
