package io.vertebra.log.replication;

import io.vertebra.log.controller.MetadataLog;
import io.vertebra.log.controller.PartitionElections;
import io.vertebra.log.metadata.MetadataRecord;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's ISR upkeep, Kafka's rules: a follower that has not caught up to the leader's log end for
 * {@code replica.lag.time.max.ms} leaves the ISR; a follower outside it that reaches the high watermark (and the
 * start of the current leader epoch) joins it again. Changes are proposed to the metadata log with the
 * partition epoch they were computed from, one proposal in flight per partition.
 */
public final class IsrTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IsrTracker.class);

    private final int brokerId;
    private final Partitions partitions;
    private final MetadataLog metadataLog;
    private final Time time;
    private final long lagTimeMaxMs;
    private final Set<TopicPartition> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "isr-tracker");
        t.setDaemon(true);
        return t;
    });

    public IsrTracker(int brokerId, Partitions partitions, MetadataLog metadataLog, Time time, long lagTimeMaxMs) {
        this.brokerId = brokerId;
        this.partitions = partitions;
        this.metadataLog = metadataLog;
        this.time = time;
        this.lagTimeMaxMs = lagTimeMaxMs;
    }

    public void start(long intervalMs) {
        ticker.scheduleWithFixedDelay(this::check, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    void check() {
        try {
            long now = time.milliseconds();
            for (Partition partition : partitions.all().values()) {
                if (partition.isLeader() && !inFlight.contains(partition.topicPartition())) {
                    checkPartition(partition, now);
                }
                if (!inFlight.contains(partition.topicPartition())) {
                    reportOnline(partition);
                }
            }
            for (TopicPartition tp : partitions.offline().keySet()) {
                if (!inFlight.contains(tp)) {
                    reportOffline(tp);
                }
            }
        } catch (RuntimeException e) {
            log.warn("ISR check failed: {}", e.toString());
        }
    }

    private void checkPartition(Partition partition, long now) {
        Partition.Role role = partition.role();
        TopicImage topic = partitions.image().topic(partition.topicPartition().topic());
        PartitionImage current = topic == null
                ? null
                : topic.partition(partition.topicPartition().partition());
        if (current == null || current.leader() != brokerId || current.partitionEpoch() != role.partitionEpoch()) {
            return;
        }
        long hw = partition.log().highWatermark();
        long epochStart = epochStartOffset(partition, role.leaderEpoch());
        List<Integer> isr = new ArrayList<>(current.isr());
        boolean changed = false;
        for (var e : partition.followers().entrySet()) {
            int follower = e.getKey();
            Partition.FollowerState state = e.getValue();
            boolean inIsr = isr.contains(follower);
            if (inIsr && now - state.lastCaughtUpTimeMs() > lagTimeMaxMs) {
                isr.remove(Integer.valueOf(follower));
                changed = true;
                log.info(
                        "{}: follower {} has not caught up for {} ms; removing it from the ISR",
                        partition.topicPartition(),
                        follower,
                        now - state.lastCaughtUpTimeMs());
            } else if (!inIsr
                    && state.logEndOffset() >= hw
                    && state.logEndOffset() >= epochStart
                    && partitions.image().brokers().containsKey(follower)
                    && !partitions.image().brokers().get(follower).fenced()) {
                isr.add(follower);
                changed = true;
                log.info(
                        "{}: follower {} caught up (offset {}); adding it to the ISR",
                        partition.topicPartition(),
                        follower,
                        state.logEndOffset());
            }
        }
        if (!changed) {
            return;
        }
        PartitionImage next = new PartitionImage(
                current.partition(),
                current.replicas(),
                isr,
                current.leader(),
                current.leaderEpoch(),
                current.partitionEpoch(),
                current.addingReplicas(),
                current.removingReplicas(),
                current.offlineReplicas());
        MetadataRecord record = PartitionElections.change(topic, current, next);
        inFlight.add(partition.topicPartition());
        metadataLog.append(List.of(record)).whenComplete((image, error) -> {
            inFlight.remove(partition.topicPartition());
            if (error != null) {
                log.debug("ISR change of {} not committed: {}", partition.topicPartition(), error.toString());
            }
        });
    }

    /**
     * A replica whose log is offline here is reported offline in the partition's metadata, so no election picks
     * it, not even an unclean one (Kafka's offline log directory), and leaves the ISR, handing the leadership to
     * the next live in-sync replica so its leader-less partition gets a leader that can serve. The last in-sync
     * replica stays in the ISR and keeps its leadership: an ISR is never emptied, and the partition waits for it.
     */
    private void reportOffline(TopicPartition tp) {
        TopicImage topic = partitions.image().topic(tp.topic());
        PartitionImage current = topic == null ? null : topic.partition(tp.partition());
        if (current == null || !current.replicas().contains(brokerId)) {
            return;
        }
        List<Integer> offline = new ArrayList<>(current.offlineReplicas());
        if (!offline.contains(brokerId)) {
            offline.add(brokerId);
        }
        List<Integer> isr = new ArrayList<>(current.isr());
        int leader = current.leader();
        int leaderEpoch = current.leaderEpoch();
        if (isr.contains(brokerId) && isr.size() >= 2) {
            int newLeader = leader;
            if (leader == brokerId || leader < 0) {
                newLeader = -1;
                for (int replica : current.replicas()) {
                    var broker = partitions.image().brokers().get(replica);
                    if (replica != brokerId
                            && isr.contains(replica)
                            && !current.isOffline(replica)
                            && broker != null
                            && !broker.fenced()) {
                        newLeader = replica;
                        break;
                    }
                }
            }
            if (newLeader >= 0) {
                isr.remove(Integer.valueOf(brokerId));
                if (newLeader != leader) {
                    leader = newLeader;
                    leaderEpoch++;
                }
            }
        }
        if (offline.equals(current.offlineReplicas()) && isr.equals(current.isr())) {
            return;
        }
        log.warn(
                "{}: its log is offline on this broker; reporting it (ISR now {}, leader {}, offline replicas {})",
                tp,
                isr,
                leader,
                offline);
        propose(topic, current, isr, leader, leaderEpoch, offline);
    }

    /**
     * A replica reported offline whose log is open again (re-fetched after a quarantine was lifted) says so, so it
     * may be elected again; a partition left without a leader gets this replica if it is in the ISR.
     */
    private void reportOnline(Partition partition) {
        TopicPartition tp = partition.topicPartition();
        TopicImage topic = partitions.image().topic(tp.topic());
        PartitionImage current = topic == null ? null : topic.partition(tp.partition());
        if (current == null || !current.isOffline(brokerId)) {
            return;
        }
        List<Integer> offline = new ArrayList<>(current.offlineReplicas());
        offline.remove(Integer.valueOf(brokerId));
        int leader = current.leader();
        int leaderEpoch = current.leaderEpoch();
        if (leader < 0 && current.isr().contains(brokerId)) {
            leader = brokerId;
            leaderEpoch++;
        }
        log.info("{}: its log is online on this broker again; reporting it (leader {})", tp, leader);
        propose(topic, current, current.isr(), leader, leaderEpoch, offline);
    }

    private void propose(
            TopicImage topic,
            PartitionImage current,
            List<Integer> isr,
            int leader,
            int leaderEpoch,
            List<Integer> offline) {
        TopicPartition tp = new TopicPartition(topic.name(), current.partition());
        PartitionImage next = new PartitionImage(
                current.partition(),
                current.replicas(),
                isr,
                leader,
                leaderEpoch,
                current.partitionEpoch(),
                current.addingReplicas(),
                current.removingReplicas(),
                offline);
        inFlight.add(tp);
        metadataLog
                .append(List.of(PartitionElections.change(topic, current, next)))
                .whenComplete((image, error) -> {
                    inFlight.remove(tp);
                    if (error != null) {
                        log.debug("ISR change of {} not committed: {}", tp, error.toString());
                    }
                });
    }

    private static long epochStartOffset(Partition partition, int epoch) {
        for (long[] e : partition.log().epochs().entries()) {
            if (e[0] == epoch) {
                return e[1];
            }
        }
        return 0;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
