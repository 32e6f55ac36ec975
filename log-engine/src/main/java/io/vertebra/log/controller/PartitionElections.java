package io.vertebra.log.controller;

import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataRecord;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Leader and ISR decisions the controller makes when brokers come and go, as pure functions of the image:
 * a fenced broker leaves every ISR (never emptying one) and loses its leaderships to the first live replica
 * in the ISR, in replica order (the preferred leader first); a partition left without a live in-sync replica
 * stays offline (leader -1) — no unclean election unless the topic allows it — and gets its leader back as
 * soon as an ISR member returns. A replica whose broker reported the partition's log offline
 * ({@link PartitionImage#offlineReplicas}) is never elected, clean or unclean: it cannot serve. Every proposed change names the partition epoch it was computed from, so a
 * stale proposal is dropped by the state machine.
 */
public final class PartitionElections {
    private PartitionElections() {}

    /** Records that fence {@code dead} and move what they led; {@code alive} are the brokers back in service. */
    public static List<MetadataRecord> onBrokersChanged(
            MetadataImage image,
            Set<Integer> dead,
            Set<Integer> alive,
            java.util.function.Predicate<TopicImage> uncleanAllowed) {
        List<MetadataRecord> records = new ArrayList<>();
        for (int id : dead) {
            records.add(new MetadataRecord.FenceBroker(id));
        }
        for (int id : alive) {
            records.add(new MetadataRecord.UnfenceBroker(id));
        }
        for (TopicImage topic : image.topics().values()) {
            for (PartitionImage p : topic.partitions()) {
                PartitionImage next = elect(image, p, dead, alive, uncleanAllowed.test(topic));
                if (next != null) {
                    records.add(change(topic, p, next));
                }
            }
        }
        return records;
    }

    static boolean isLive(MetadataImage image, int broker, Set<Integer> dead, Set<Integer> alive) {
        if (dead.contains(broker)) {
            return false;
        }
        if (alive.contains(broker)) {
            return true;
        }
        BrokerImage b = image.brokers().get(broker);
        return b != null && !b.fenced();
    }

    /** The partition after the change of liveness, or null when nothing changes. */
    static PartitionImage elect(
            MetadataImage image, PartitionImage p, Set<Integer> dead, Set<Integer> alive, boolean unclean) {
        List<Integer> isr = new ArrayList<>();
        for (int r : p.isr()) {
            if (isLive(image, r, dead, alive)) {
                isr.add(r);
            }
        }
        boolean leaderLive = p.leader() >= 0 && isLive(image, p.leader(), dead, alive);
        int leader = p.leader();
        int epoch = p.leaderEpoch();
        if (!leaderLive) {
            leader = -1;
            for (int r : p.replicas()) {
                if (isr.contains(r) && !p.isOffline(r)) {
                    leader = r;
                    break;
                }
            }
            if (leader < 0 && unclean) {
                for (int r : p.replicas()) {
                    if (isLive(image, r, dead, alive) && !p.isOffline(r)) {
                        leader = r;
                        isr = new ArrayList<>(List.of(r));
                        break;
                    }
                }
            }
            if (leader != p.leader()) {
                epoch = p.leaderEpoch() + 1;
            }
        }
        if (isr.isEmpty()) {
            // keep the last ISR so the partition can come back with the replica that has every acknowledged write
            isr = new ArrayList<>(p.isr());
        }
        if (leader == p.leader() && isr.equals(p.isr())) {
            return null;
        }
        return new PartitionImage(
                p.partition(),
                p.replicas(),
                isr,
                leader,
                epoch,
                p.partitionEpoch(),
                p.addingReplicas(),
                p.removingReplicas(),
                p.offlineReplicas());
    }

    public static MetadataRecord.ChangePartition change(TopicImage topic, PartitionImage current, PartitionImage next) {
        return new MetadataRecord.ChangePartition(
                topic.id().toString(),
                next.partition(),
                next.replicas(),
                next.isr(),
                next.leader(),
                next.leaderEpoch(),
                next.addingReplicas(),
                next.removingReplicas(),
                current.partitionEpoch(),
                next.offlineReplicas().equals(current.offlineReplicas()) ? null : next.offlineReplicas());
    }

    /** Moves leadership of {@code p} to its first live preferred replica in the ISR, if it is not leading. */
    public static PartitionImage preferred(MetadataImage image, PartitionImage p) {
        int preferred = p.replicas().get(0);
        if (p.leader() == preferred
                || !p.isr().contains(preferred)
                || p.isOffline(preferred)
                || !isLive(image, preferred, Set.of(), Set.of())) {
            return null;
        }
        return new PartitionImage(
                p.partition(),
                p.replicas(),
                p.isr(),
                preferred,
                p.leaderEpoch() + 1,
                p.partitionEpoch(),
                p.addingReplicas(),
                p.removingReplicas(),
                p.offlineReplicas());
    }
}
