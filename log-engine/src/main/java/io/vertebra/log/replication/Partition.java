package io.vertebra.log.replication;

import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.record.ProduceBatches;
import io.vertebra.log.storage.AppendResult;
import io.vertebra.log.storage.PartitionLog;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * One partition replica hosted by this broker: its log and its role. As leader it appends produce data, tracks
 * what each follower has fetched, keeps the ISR and moves the high watermark to the smallest log end among the
 * in-sync replicas; as follower its log is fed by the fetcher. Parked fetches and produces register as
 * {@link PartitionWatcher}s and are told when the log end or the high watermark moves.
 *
 * <p>Threading: role changes come from the metadata thread, appends and reads from network threads; the role
 * is one immutable {@link Role} swapped atomically, so a request sees either the old or the new role whole.
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final PartitionLog log;
    private final int localBrokerId;
    private final ConcurrentLinkedQueue<PartitionWatcher> watchers = new ConcurrentLinkedQueue<>();
    /** Follower replica id → what it has fetched (leader only). */
    private final Map<Integer, FollowerState> followers = new ConcurrentHashMap<>();

    private volatile Role role;

    /**
     * What this replica is told by the metadata: leader or not, epochs, replica set and ISR.
     */
    public record Role(
            boolean leader,
            int leaderId,
            int leaderEpoch,
            int partitionEpoch,
            List<Integer> replicas,
            Set<Integer> isr) {}

    /** The leader's view of one follower. */
    public static final class FollowerState {
        volatile long logEndOffset = -1;
        volatile long lastCaughtUpTimeMs;
        volatile long lastFetchTimeMs;

        public long logEndOffset() {
            return logEndOffset;
        }

        public long lastCaughtUpTimeMs() {
            return lastCaughtUpTimeMs;
        }
    }

    public Partition(TopicPartition topicPartition, Uuid topicId, PartitionLog log, int localBrokerId) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.log = log;
        this.localBrokerId = localBrokerId;
        this.role = new Role(false, -1, -1, -1, List.of(), Set.of());
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public PartitionLog log() {
        return log;
    }

    public Role role() {
        return role;
    }

    public boolean isLeader() {
        return role.leader();
    }

    public Map<Integer, FollowerState> followers() {
        return followers;
    }

    /** Applies the controller's decision; returns true when this replica's role or epoch changed. */
    public synchronized boolean applyImage(PartitionImage image, long nowMs) {
        boolean leader = image.leader() == localBrokerId;
        Role old = role;
        Role next = new Role(
                leader,
                image.leader(),
                image.leaderEpoch(),
                image.partitionEpoch(),
                image.replicas(),
                Set.copyOf(image.isr()));
        role = next;
        if (leader) {
            for (int replica : image.replicas()) {
                if (replica != localBrokerId) {
                    followers.computeIfAbsent(replica, r -> {
                        FollowerState state = new FollowerState();
                        state.lastCaughtUpTimeMs = nowMs;
                        return state;
                    });
                }
            }
            followers.keySet().retainAll(image.replicas());
        } else {
            followers.clear();
        }
        boolean changed = old.leader() != next.leader() || old.leaderEpoch() != next.leaderEpoch();
        boolean hwMoved = leader && maybeIncrementHighWatermark();
        if (changed || hwMoved || !old.isr().equals(next.isr())) {
            notifyWatchers();
        }
        return changed;
    }

    /** Fails unless this replica is the leader (optionally of exactly {@code expectedEpoch}). */
    public Role requireLeader(int expectedEpoch) {
        Role r = role;
        if (!r.leader()) {
            throw new NotLeaderOrFollowerException("broker " + localBrokerId + " is not the leader of " + topicPartition
                    + (r.leaderId() >= 0 ? "; the leader is broker " + r.leaderId() : ""));
        }
        checkEpoch(r, expectedEpoch);
        return r;
    }

    private void checkEpoch(Role r, int expectedEpoch) {
        if (expectedEpoch >= 0 && expectedEpoch != r.leaderEpoch()) {
            if (expectedEpoch < r.leaderEpoch()) {
                throw new FencedLeaderEpochException("leader epoch " + expectedEpoch + " of " + topicPartition
                        + " is older than the current epoch " + r.leaderEpoch());
            }
            throw new UnknownLeaderEpochException("leader epoch " + expectedEpoch + " of " + topicPartition
                    + " is newer than this broker knows (" + r.leaderEpoch() + ")");
        }
    }

    /**
     * Appends produce data as leader. With {@code acks=-1} the ISR must hold at least
     * {@code min.insync.replicas} replicas (NOT_ENOUGH_REPLICAS otherwise, nothing written).
     */
    public AppendResult appendAsLeader(MemoryRecords records, ProduceBatches.Summary summary, short acks) {
        Role r = requireLeader(-1);
        int minIsr = log.config().minInSyncReplicas();
        if (acks == -1 && r.isr().size() < minIsr) {
            throw new NotEnoughReplicasException("the ISR of " + topicPartition + " has "
                    + r.isr().size() + " replica(s), fewer than min.insync.replicas=" + minIsr);
        }
        AppendResult result = log.appendAsLeader(records, summary, r.leaderEpoch());
        if (!result.duplicate()) {
            maybeIncrementHighWatermark();
            notifyWatchers();
        }
        return result;
    }

    /**
     * The leader's high watermark: the smallest log end among the ISR (this replica included). Returns true
     * when it moved.
     */
    public boolean maybeIncrementHighWatermark() {
        Role r = role;
        if (!r.leader()) {
            return false;
        }
        long hw = log.logEndOffset();
        for (int replica : r.isr()) {
            if (replica == localBrokerId) {
                continue;
            }
            FollowerState f = followers.get(replica);
            long end = f == null ? -1 : f.logEndOffset;
            if (end < 0) {
                return false;
            }
            hw = Math.min(hw, end);
        }
        return log.maybeIncrementHighWatermark(hw);
    }

    /**
     * Appends batches fetched from the leader of {@code leaderEpoch}, unless this replica's role changed since
     * the fetch was sent (then nothing is written). Serialised with role changes, so a replica that just became
     * leader never takes a stale follower append. Returns false when skipped.
     */
    public synchronized boolean appendFromLeader(
            MemoryRecords records, int leaderEpoch, long leaderHighWatermark, long leaderLogStartOffset) {
        Role r = role;
        if (r.leader() || r.leaderEpoch() != leaderEpoch) {
            return false;
        }
        if (records.sizeInBytes() > 0) {
            log.appendAsFollower(records);
        }
        log.maybeIncrementHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset()));
        // Records the leader deleted (DeleteRecords, retention) go here too, so they never come back after a
        // leader change; only up to what this replica holds below its high watermark.
        long start = Math.min(leaderLogStartOffset, log.highWatermark());
        if (start > log.logStartOffset()) {
            log.deleteRecordsBefore(start);
        }
        notifyWatchers();
        return true;
    }

    /** Truncates this follower's log to {@code offset} (a divergence reported by the leader of {@code leaderEpoch}). */
    public synchronized boolean truncateAsFollower(long offset, int leaderEpoch) {
        Role r = role;
        if (r.leader() || r.leaderEpoch() != leaderEpoch) {
            return false;
        }
        log.truncateTo(offset);
        return true;
    }

    /** Restarts this follower's log empty at {@code offset} (it is behind the leader's log start). */
    public synchronized boolean resetAsFollower(long offset, int leaderEpoch) {
        Role r = role;
        if (r.leader() || r.leaderEpoch() != leaderEpoch) {
            return false;
        }
        log.truncateFullyAndStartAt(offset);
        return true;
    }

    /** High watermark the leader can serve, and whether acks=all produce up to {@code offset} is complete. */
    public boolean isReplicatedUpTo(long offset) {
        return log.highWatermark() >= offset;
    }

    public void addWatcher(PartitionWatcher watcher) {
        watchers.add(watcher);
    }

    public void removeWatcher(PartitionWatcher watcher) {
        watchers.remove(watcher);
    }

    /** Tells every parked operation that the log end, high watermark or role moved. */
    public void notifyWatchers() {
        if (watchers.isEmpty()) {
            return;
        }
        for (PartitionWatcher watcher : watchers) {
            if (watcher.onPartitionChange()) {
                watchers.remove(watcher);
            }
        }
    }

    @Override
    public String toString() {
        return "Partition(" + topicPartition + ", " + role + ")";
    }
}
