package io.vertebra.log.controller;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.PartitionImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Partition reassignment as pure steps over the image (KIP-455's model). Start: the replica set becomes
 * target ∪ current (target first), with {@code adding} = target − current and {@code removing} = current −
 * target; the new replicas fetch like any follower and the leader adds them to the ISR once caught up.
 * Completion (driven by the active controller once every adding replica is in the ISR): the replica set
 * becomes the target, the ISR keeps only target replicas, and if the leader is being removed the first
 * in-sync target replica takes over. Cancel returns to the original replicas. No record is lost because a
 * replica leaves only after the target replicas hold everything the ISR holds.
 */
public final class Reassignments {
    private Reassignments() {}

    /** The partition with a reassignment to {@code target} started; null when it already has that replica set. */
    public static PartitionImage start(PartitionImage p, List<Integer> target) {
        List<Integer> original = original(p);
        if (original.equals(target) && p.addingReplicas().isEmpty()) {
            return null;
        }
        Set<Integer> replicas = new LinkedHashSet<>(target);
        replicas.addAll(original);
        List<Integer> adding = new ArrayList<>(target);
        adding.removeAll(original);
        List<Integer> removing = new ArrayList<>(original);
        removing.removeAll(target);
        return new PartitionImage(
                p.partition(),
                new ArrayList<>(replicas),
                p.isr(),
                p.leader(),
                p.leaderEpoch(),
                p.partitionEpoch(),
                adding,
                removing,
                p.offlineReplicas());
    }

    /** The replicas before the reassignment in progress (or the current ones when none is). */
    public static List<Integer> original(PartitionImage p) {
        List<Integer> original = new ArrayList<>(p.replicas());
        original.removeAll(p.addingReplicas());
        return original;
    }

    /** The replicas a reassignment in progress is heading to. */
    public static List<Integer> target(PartitionImage p) {
        List<Integer> target = new ArrayList<>(p.replicas());
        target.removeAll(p.removingReplicas());
        return target;
    }

    /** The completed reassignment when every adding replica is in sync; null when it must wait. */
    public static PartitionImage complete(MetadataImage image, PartitionImage p) {
        if (p.addingReplicas().isEmpty() && p.removingReplicas().isEmpty()) {
            return null;
        }
        if (!p.isr().containsAll(p.addingReplicas())) {
            return null;
        }
        return settle(image, p, target(p));
    }

    /** Cancels the reassignment in progress: back to the original replicas. */
    public static PartitionImage cancel(MetadataImage image, PartitionImage p) {
        if (p.addingReplicas().isEmpty() && p.removingReplicas().isEmpty()) {
            return null;
        }
        return settle(image, p, original(p));
    }

    private static PartitionImage settle(MetadataImage image, PartitionImage p, List<Integer> replicas) {
        List<Integer> isr = new ArrayList<>(p.isr());
        isr.retainAll(replicas);
        int leader = p.leader();
        int epoch = p.leaderEpoch();
        if (!replicas.contains(leader)) {
            leader = -1;
            for (int r : replicas) {
                if (isr.contains(r) && !p.isOffline(r) && PartitionElections.isLive(image, r, Set.of(), Set.of())) {
                    leader = r;
                    break;
                }
            }
            epoch++;
        }
        if (isr.isEmpty()) {
            return null; // nothing in sync to hand over to yet
        }
        List<Integer> offline = new ArrayList<>(p.offlineReplicas());
        offline.retainAll(replicas);
        return new PartitionImage(
                p.partition(), replicas, isr, leader, epoch, p.partitionEpoch(), List.of(), List.of(), offline);
    }
}
