package io.vertebra.log.controller;

import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataRecord;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active controller's watch over broker liveness. Every broker heartbeats to the metadata leader; on the
 * leader this class notes when each was last heard from and, every tick, fences brokers silent for longer than
 * {@code broker.session.timeout.ms} (moving their leaderships to in-sync replicas) and unfences fenced brokers
 * that are heard from again. Runs on every node, acts only while this node leads the Raft group.
 *
 * <p>A broker whose process dies is noticed sooner: the active controller holds an idle connection to every
 * broker's listener ({@link ProcessWatch}) and treats a closed connection that cannot be reopened as death.
 *
 * <p>A new leader seeds every broker as just seen, except the previous leader: a majority elected someone else
 * because it went quiet, so it must heartbeat within two intervals or be fenced — this keeps failover fast when
 * the metadata leader itself dies.
 */
public final class ClusterSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterSupervisor.class);

    private final int nodeId;
    private final MetadataLog metadataLog;
    private final Time time;
    private final long sessionTimeoutMs;
    private final long heartbeatIntervalMs;
    private final Map<Integer, Long> lastSeen = new ConcurrentHashMap<>();
    private final AtomicBoolean proposing = new AtomicBoolean();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-supervisor");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean leading;
    private ProcessWatch processWatch;
    private volatile long leadingSinceMs;
    private volatile java.util.function.Predicate<io.vertebra.log.metadata.TopicImage> uncleanAllowed = t -> false;

    public ClusterSupervisor(
            int nodeId, MetadataLog metadataLog, Time time, long sessionTimeoutMs, long heartbeatIntervalMs) {
        this.nodeId = nodeId;
        this.metadataLog = metadataLog;
        this.time = time;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
    }

    public void setUncleanElectionPolicy(java.util.function.Predicate<io.vertebra.log.metadata.TopicImage> policy) {
        this.uncleanAllowed = policy;
    }

    public void start() {
        long tick = Math.max(10, heartbeatIntervalMs / 2);
        ticker.scheduleWithFixedDelay(this::tickQuietly, tick, tick, TimeUnit.MILLISECONDS);
        try {
            processWatch = new ProcessWatch(id -> {
                lastSeen.put(id, Long.MIN_VALUE / 2);
                ticker.execute(this::tickQuietly);
            });
        } catch (java.io.IOException e) {
            log.warn(
                    "cannot watch broker processes ({}); dead brokers are found by heartbeat timeout only",
                    e.toString());
        }
    }

    /** A broker's heartbeat reached this node (only meaningful while it leads). */
    void onHeartbeat(int brokerId, long incarnation) {
        lastSeen.put(brokerId, time.milliseconds());
    }

    void onLeaderChange(int previousLeader, int newLeader) {
        long now = time.milliseconds();
        if (newLeader == nodeId) {
            for (BrokerImage b : metadataLog.image().brokers().values()) {
                lastSeen.put(b.id(), now);
            }
            if (previousLeader >= 0 && previousLeader != nodeId) {
                lastSeen.put(previousLeader, now - sessionTimeoutMs + 2 * heartbeatIntervalMs);
                BrokerImage previous = metadataLog.image().brokers().get(previousLeader);
                if (previous != null) {
                    // A majority stopped hearing from it; if its process is gone, fence it now.
                    ticker.execute(() -> {
                        if (!ProcessWatch.reachable(previous.host(), previous.port())) {
                            log.info(
                                    "previous metadata leader {} refuses connections: its process is gone",
                                    previousLeader);
                            lastSeen.put(previousLeader, Long.MIN_VALUE / 2);
                            tickQuietly();
                        }
                    });
                }
            }
            leadingSinceMs = now;
            leading = true;
            log.info("node {} is the active controller (previous: {})", nodeId, previousLeader);
        } else {
            leading = false;
        }
    }

    public boolean isLeading() {
        return leading;
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("controller supervision failed: {}", e.toString());
        }
    }

    void tick() {
        if (!leading) {
            if (processWatch != null) {
                processWatch.watch(List.of());
            }
            return;
        }
        if (proposing.get()) {
            return;
        }
        long now = time.milliseconds();
        MetadataImage image = metadataLog.image();
        if (processWatch != null) {
            List<BrokerImage> others = new ArrayList<>();
            for (BrokerImage b : image.liveBrokers()) {
                if (b.id() != nodeId) {
                    others.add(b);
                }
            }
            processWatch.watch(others);
        }
        Set<Integer> dead = new TreeSet<>();
        Set<Integer> alive = new TreeSet<>();
        for (BrokerImage b : image.brokers().values()) {
            long seen = lastSeen.computeIfAbsent(b.id(), id -> now);
            if (!b.fenced() && now - seen > sessionTimeoutMs) {
                dead.add(b.id());
            } else if (b.fenced() && now - seen <= 3 * heartbeatIntervalMs && b.id() != nodeId) {
                alive.add(b.id());
            } else if (b.fenced() && b.id() == nodeId && now - seen <= 3 * heartbeatIntervalMs) {
                alive.add(b.id());
            }
        }
        List<MetadataRecord> records =
                new ArrayList<>(PartitionElections.onBrokersChanged(image, dead, alive, uncleanAllowed));
        if (dead.isEmpty() && alive.isEmpty()) {
            // Reassignments whose new replicas are all in sync are completed by the active controller.
            for (TopicImage topic : image.topics().values()) {
                for (PartitionImage p : topic.partitions()) {
                    PartitionImage done = Reassignments.complete(image, p);
                    if (done != null) {
                        records.add(PartitionElections.change(topic, p, done));
                        log.info("{}-{}: reassignment to {} complete", topic.name(), p.partition(), done.replicas());
                    }
                }
            }
        }
        if (records.isEmpty()) {
            return;
        }
        if (!dead.isEmpty() || !alive.isEmpty()) {
            log.info("fencing brokers {} (silent > {} ms), unfencing {}", dead, sessionTimeoutMs, alive);
        }
        proposing.set(true);
        metadataLog.append(records).whenComplete((image2, error) -> {
            proposing.set(false);
            if (error != null) {
                log.warn("cannot commit broker liveness change: {}", error.toString());
            }
        });
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (processWatch != null) {
            processWatch.close();
        }
    }
}
