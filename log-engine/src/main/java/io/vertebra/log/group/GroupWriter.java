package io.vertebra.log.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends group records and brings the outcome back to the coordinator thread, as the Kafka error a group API
 * answers with. Called on the coordinator thread; the returned future completes there.
 */
final class GroupWriter {
    private static final Logger log = LoggerFactory.getLogger(GroupWriter.class);

    /** Where an append landed ({@code lastOffset}) or why it failed ({@code error}, already translated). */
    record Outcome(long lastOffset, Errors appendError) {
        boolean ok() {
            return appendError == Errors.NONE;
        }
    }

    private final GroupLog groupLog;
    private final GroupScheduler scheduler;

    GroupWriter(GroupLog groupLog, GroupScheduler scheduler) {
        this.groupLog = groupLog;
        this.scheduler = scheduler;
    }

    CompletableFuture<Outcome> append(int partition, List<GroupRecord> records) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        CompletableFuture<Long> appended;
        try {
            appended = groupLog.append(partition, records);
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        appended.whenComplete((offset, failure) -> scheduler.execute(() -> {
            if (failure == null) {
                outcome.complete(new Outcome(offset, Errors.NONE));
                return;
            }
            Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (!(cause instanceof ApiException)) {
                log.error("cannot append group records to partition {} of the offsets topic", partition, cause);
            }
            outcome.complete(new Outcome(-1, Errors.forException(cause)));
        }));
        return outcome;
    }

    /** The error JoinGroup/SyncGroup answer when storing the group's metadata failed with {@code appendError}. */
    static Errors forGroupMetadata(Errors appendError) {
        switch (appendError) {
            case UNKNOWN_TOPIC_OR_PARTITION:
            case NOT_ENOUGH_REPLICAS:
            case NOT_ENOUGH_REPLICAS_AFTER_APPEND:
            case REQUEST_TIMED_OUT:
                return Errors.COORDINATOR_NOT_AVAILABLE;
            case NOT_LEADER_OR_FOLLOWER:
            case KAFKA_STORAGE_ERROR:
                return Errors.NOT_COORDINATOR;
            case MESSAGE_TOO_LARGE:
            case RECORD_LIST_TOO_LARGE:
            case INVALID_FETCH_SIZE:
                return Errors.UNKNOWN_SERVER_ERROR;
            default:
                return appendError;
        }
    }

    /** The error OffsetCommit (and OffsetDelete, DeleteGroups) answer when the append failed. */
    static Errors forOffsetCommit(Errors appendError) {
        switch (appendError) {
            case MESSAGE_TOO_LARGE:
            case RECORD_LIST_TOO_LARGE:
            case INVALID_FETCH_SIZE:
                return Errors.INVALID_COMMIT_OFFSET_SIZE;
            default:
                return forGroupMetadata(appendError);
        }
    }
}
