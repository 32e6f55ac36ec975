package io.vertebra.log.replication;

import java.util.Map;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.utils.Time;

/**
 * The leader side of replication: what followers' fetches say about their logs. A follower's fetch offset is
 * its log end; from it the leader moves the high watermark, decides who is caught up (for the ISR), and tells a
 * follower whose last fetched epoch diverges where to truncate.
 */
public class ReplicaFetchTracker {
    private final Time time;

    public ReplicaFetchTracker(Time time) {
        this.time = time;
    }

    /** A follower fetched these partitions from these offsets (its log ends). */
    public void onFollowerFetch(int replicaId, Map<Partition, Long> fetchOffsets) {
        long now = time.milliseconds();
        for (Map.Entry<Partition, Long> e : fetchOffsets.entrySet()) {
            Partition partition = e.getKey();
            Partition.FollowerState state = partition.followers().get(replicaId);
            if (state == null) {
                continue;
            }
            long followerEnd = e.getValue();
            state.logEndOffset = followerEnd;
            state.lastFetchTimeMs = now;
            if (followerEnd >= partition.log().logEndOffset()) {
                state.lastCaughtUpTimeMs = now;
            }
            if (partition.maybeIncrementHighWatermark()) {
                partition.notifyWatchers();
            }
        }
    }

    /**
     * Sets {@code divergingEpoch} in {@code result} when the follower's log, which ends at {@code fetchOffset}
     * with epoch {@code lastFetchedEpoch}, holds records the leader's log does not (KIP-320/595 truncation).
     */
    public void checkDivergence(
            Partition partition, long fetchOffset, int lastFetchedEpoch, FetchResponseData.PartitionData result) {
        if (lastFetchedEpoch < 0) {
            return;
        }
        long[] end = partition
                .log()
                .epochs()
                .endOffsetFor(lastFetchedEpoch, partition.log().logEndOffset());
        if (end[0] != lastFetchedEpoch || end[1] < fetchOffset) {
            result.divergingEpoch().setEpoch((int) end[0]).setEndOffset(end[1]);
        }
    }
}
