package io.vertebra.log.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where the coordinator keeps its records: the partitions of {@code __consumer_offsets} this broker leads.
 * {@link OffsetsTopicLog} is the real one; tests use an in-memory twin.
 */
public interface GroupLog {
    /**
     * Appends {@code records} to partition {@code partition} as its leader, in one batch. Called on the
     * coordinator thread; the write happens before this returns, so successive calls land in call order. The
     * future completes (on any thread) with the log offset of the last record once the records are replicated as
     * the topic requires, or fails with the Kafka exception (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS,
     * REQUEST_TIMED_OUT, RECORD_LIST_TOO_LARGE...).
     */
    CompletableFuture<Long> append(int partition, List<GroupRecord> records);

    /**
     * Feeds every record of the partition to {@code sink}, oldest first, up to the current log end. May block on
     * disk reads: called off the coordinator thread.
     */
    void replay(int partition, RecordSink sink);

    /** Receives replayed records with their log offsets. */
    @FunctionalInterface
    interface RecordSink {
        void accept(long logOffset, GroupRecord record);
    }
}
