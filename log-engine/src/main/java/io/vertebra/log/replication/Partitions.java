package io.vertebra.log.replication;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.config.LogConfig;
import io.vertebra.log.controller.MetadataLog;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.storage.LogDirectory;
import io.vertebra.log.storage.PartitionLog;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partition replicas this broker hosts, kept in step with the metadata: each new image opens logs for new
 * replicas, applies leader/ISR changes, config changes and deletions. Request handlers look partitions up here.
 * Listeners (the group coordinator, the replica fetcher) hear about leadership changes, in image order, on the
 * metadata thread.
 */
public final class Partitions implements MetadataLog.MetadataListener {
    private static final Logger log = LoggerFactory.getLogger(Partitions.class);

    private final int brokerId;
    private final BrokerConfig brokerConfig;
    private final LogDirectory logDirectory;
    private final Time time;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final List<RoleListener> roleListeners = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image = MetadataImage.EMPTY;
    private boolean caughtUp;
    private final LongAdder isrShrinks = new LongAdder();
    private final LongAdder isrExpands = new LongAdder();

    /** Hears when this broker starts or stops leading or following a partition. */
    public interface RoleListener {
        void onRoleChange(Partition partition, boolean leader);

        default void onRemoved(Partition partition) {}
    }

    public Partitions(int brokerId, BrokerConfig brokerConfig, LogDirectory logDirectory, Time time) {
        this.brokerId = brokerId;
        this.brokerConfig = brokerConfig;
        this.logDirectory = logDirectory;
        this.time = time;
    }

    public void addRoleListener(RoleListener listener) {
        roleListeners.add(listener);
    }

    public MetadataImage image() {
        return image;
    }

    public int brokerId() {
        return brokerId;
    }

    /** Topic defaults: static broker settings overridden by dynamic cluster-wide ones. */
    public Map<String, String> topicDefaults() {
        Map<String, String> defaults = new LinkedHashMap<>(brokerConfig.topicDefaults());
        for (Map.Entry<String, String> synonym : LogConfig.BROKER_SYNONYMS.entrySet()) {
            String dynamic = image.brokerConfigs().get(synonym.getValue());
            if (dynamic != null) {
                defaults.put(synonym.getKey(), dynamic);
            }
        }
        return defaults;
    }

    public LogConfig logConfig(TopicImage topic) {
        return new LogConfig(topic.configs(), topicDefaults());
    }

    /**
     * Takes each applied image; the hosted partitions follow it only once this broker has caught up with the
     * metadata log ({@link #catchUp}). A restarting broker replays the log from its last snapshot, and acting on
     * those past images would delete, recreate or set aside logs that the current image keeps (a topic deleted and
     * created again, a replica moved away and back).
     */
    @Override
    public synchronized void onImage(MetadataImage previous, MetadataImage next) {
        image = next;
        if (caughtUp) {
            reconcile(next);
        }
    }

    /**
     * Called once the image has caught up with the metadata log (this broker's registration is applied, so every
     * earlier record is too): opens, truncates and takes the roles of the partitions the image gives this broker,
     * and moves aside the partition directories no topic of the image owns.
     */
    public synchronized void catchUp() {
        caughtUp = true;
        logDirectory.quarantineStrays(reconcile(image));
    }

    /** Makes the hosted partitions follow the image; returns the partitions it assigns to this broker. */
    private Set<TopicPartition> reconcile(MetadataImage next) {
        long now = time.milliseconds();
        Set<TopicPartition> current = new HashSet<>();
        for (TopicImage topic : next.topics().values()) {
            LogConfig config = logConfig(topic);
            for (PartitionImage p : topic.partitions()) {
                TopicPartition tp = new TopicPartition(topic.name(), p.partition());
                if (!p.replicas().contains(brokerId)) {
                    continue;
                }
                current.add(tp);
                Partition partition = partitions.get(tp);
                if (partition == null
                        && logDirectory.offline().containsKey(tp)
                        && !logDirectory.isOffline(tp, topic.id())) {
                    logDirectory.dropOffline(tp, "its topic was deleted and created again under the same name");
                }
                if (partition == null || !partition.topicId().equals(topic.id())) {
                    if (partition != null) {
                        remove(tp);
                    }
                    PartitionLog partitionLog = openLog(tp, topic.id(), config, p, next);
                    if (partitionLog == null) {
                        continue;
                    }
                    partition = new Partition(tp, topic.id(), partitionLog, brokerId);
                    partitions.put(tp, partition);
                }
                if (!partition.log().config().originals().equals(config.originals())) {
                    partition.log().updateConfig(config);
                }
                Partition.Role before = partition.role();
                boolean wasLeader = before.leader();
                boolean changed = partition.applyImage(p, now);
                countIsrChange(before, partition.role());
                if (changed || wasLeader != partition.isLeader()) {
                    for (RoleListener l : roleListeners) {
                        l.onRoleChange(partition, partition.isLeader());
                    }
                }
            }
        }
        for (TopicPartition tp : Set.copyOf(partitions.keySet())) {
            if (!current.contains(tp)) {
                remove(tp);
            }
        }
        for (TopicPartition tp : Set.copyOf(logDirectory.offline().keySet())) {
            if (!current.contains(tp)) {
                logDirectory.dropOffline(
                        tp,
                        next.topic(tp.topic()) == null ? "its topic was deleted" : "its replica moved off this broker");
            }
        }
        return current;
    }

    /**
     * The log of a replica this broker hosts, or null while it is offline. A log that failed to open is not retried
     * on every image; a quarantined (corrupt) one is given up in favour of re-fetching from the leader as soon as
     * the image shows another live broker leading with it in the ISR — then this replica is a follower that
     * truncates to what it has before the corruption and fetches the rest.
     */
    private PartitionLog openLog(
            TopicPartition tp, Uuid topicId, LogConfig config, PartitionImage p, MetadataImage img) {
        if (logDirectory.offline().containsKey(tp) && !refetchable(tp, p, img)) {
            return null;
        }
        try {
            return logDirectory.openLog(tp, topicId, config);
        } catch (RuntimeException e) {
            if (!refetchable(tp, p, img)) {
                return null;
            }
        }
        logDirectory.releaseQuarantine(
                tp,
                "re-fetching the partition from its leader, broker " + p.leader() + " (leader epoch " + p.leaderEpoch()
                        + ")");
        try {
            return logDirectory.openLog(tp, topicId, config);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private boolean refetchable(TopicPartition tp, PartitionImage p, MetadataImage img) {
        return logDirectory.isQuarantined(tp) && canRefetch(p, img);
    }

    /** Whether another live broker leads {@code p} with itself in the ISR, so this replica can copy from it. */
    private boolean canRefetch(PartitionImage p, MetadataImage img) {
        int leader = p.leader();
        if (leader < 0 || leader == brokerId || !p.isr().contains(leader)) {
            return false;
        }
        var broker = img.brokers().get(leader);
        return broker != null && !broker.fenced();
    }

    /** The partitions this broker hosts whose log is offline, each with the reason (a live view). */
    public Map<TopicPartition, String> offline() {
        return logDirectory.offline();
    }

    /** Counts replicas leaving and joining the ISR of a partition this broker led before and after a change. */
    private void countIsrChange(Partition.Role before, Partition.Role after) {
        if (!before.leader() || !after.leader() || before.isr().equals(after.isr())) {
            return;
        }
        for (int replica : before.isr()) {
            if (!after.isr().contains(replica)) {
                isrShrinks.increment();
            }
        }
        for (int replica : after.isr()) {
            if (!before.isr().contains(replica)) {
                isrExpands.increment();
            }
        }
    }

    /** Replicas removed from the ISR of partitions this broker led at the time (thread-safe). */
    public long isrShrinks() {
        return isrShrinks.sum();
    }

    /** Replicas added to the ISR of partitions this broker led at the time (thread-safe). */
    public long isrExpands() {
        return isrExpands.sum();
    }

    private void remove(TopicPartition tp) {
        Partition removed = partitions.remove(tp);
        if (removed != null) {
            log.info("no longer hosting {}; deleting its log", tp);
            for (RoleListener l : roleListeners) {
                l.onRemoved(removed);
            }
            removed.notifyWatchers();
            logDirectory.deleteLog(tp);
        }
    }

    public Partition get(TopicPartition tp) {
        return partitions.get(tp);
    }

    /**
     * The hosted partition, or UNKNOWN_TOPIC_OR_PARTITION / NOT_LEADER_OR_FOLLOWER / KAFKA_STORAGE_ERROR (its log is
     * offline here) naming the problem.
     */
    public Partition getOrThrow(TopicPartition tp) {
        Partition partition = partitions.get(tp);
        if (partition != null) {
            return partition;
        }
        TopicImage topic = image.topic(tp.topic());
        if (topic == null || topic.partition(tp.partition()) == null) {
            throw new UnknownTopicOrPartitionException("this server does not host " + tp
                    + (topic == null
                            ? ": the topic does not exist"
                            : ": the topic has " + topic.partitions().size() + " partitions"));
        }
        String offlineReason = logDirectory.offline().get(tp);
        if (offlineReason != null) {
            throw new KafkaStorageException(
                    "the log of " + tp + " is offline on broker " + brokerId + ": " + offlineReason);
        }
        throw new NotLeaderOrFollowerException("broker " + brokerId + " does not host a replica of " + tp);
    }

    public Map<TopicPartition, Partition> all() {
        return partitions;
    }
}
