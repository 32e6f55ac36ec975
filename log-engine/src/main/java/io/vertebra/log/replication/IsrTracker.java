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
            }
            for (TopicPartition tp : partitions.offline().keySet()) {
                if (!inFlight.contains(tp)) {
                    leaveIsr(tp);
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
                current.removingReplicas());
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
     * A replica whose log is offline here leaves the ISR (Kafka's offline log directory), handing the leadership
     * to the next live in-sync replica, so no election picks it and its leader-less partition gets a leader that
     * can serve. The last in-sync replica stays: an ISR is never emptied, and the partition waits for this one.
     */
    private void leaveIsr(TopicPartition tp) {
        TopicImage topic = partitions.image().topic(tp.topic());
        PartitionImage current = topic == null ? null : topic.partition(tp.partition());
        if (current == null
                || !current.isr().contains(brokerId)
                || current.isr().size() < 2) {
            return;
        }
        List<Integer> isr = new ArrayList<>(current.isr());
        isr.remove(Integer.valueOf(brokerId));
        int leader = current.leader();
        int leaderEpoch = current.leaderEpoch();
        if (leader == brokerId || leader < 0) {
            leader = -1;
            for (int replica : current.replicas()) {
                var broker = partitions.image().brokers().get(replica);
                if (isr.contains(replica) && broker != null && !broker.fenced()) {
                    leader = replica;
                    break;
                }
            }
            if (leader < 0) {
                return;
            }
            leaderEpoch++;
        }
        PartitionImage next = new PartitionImage(
                current.partition(),
                current.replicas(),
                isr,
                leader,
                leaderEpoch,
                current.partitionEpoch(),
                current.addingReplicas(),
                current.removingReplicas());
        log.warn("{}: its log is offline on this broker; leaving the ISR (now {}, leader {})", tp, isr, leader);
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
