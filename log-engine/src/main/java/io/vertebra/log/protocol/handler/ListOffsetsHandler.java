package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.storage.PartitionLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;

/**
 * ListOffsets: earliest (log start), latest (high watermark: what consumers can read), max timestamp, and the
 * first offset at or after a timestamp. Answered by the partition leader only.
 */
public final class ListOffsetsHandler implements ApiHandler {
    /** The first ListOffsets version whose partition answers carry the leader epoch. */
    private static final short LEADER_EPOCH_VERSION = 4;

    private final Partitions partitions;

    public ListOffsetsHandler(Partitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        ListOffsetsRequestData data = ((ListOffsetsRequest) request).data();
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                ListOffsetsPartitionResponse r = new ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex())
                        .setTimestamp(ListOffsetsResponse.UNKNOWN_TIMESTAMP)
                        .setOffset(ListOffsetsResponse.UNKNOWN_OFFSET)
                        .setLeaderEpoch(-1);
                topicResponse.partitions().add(r);
                try {
                    Partition partition = partitions.getOrThrow(new TopicPartition(topic.name(), p.partitionIndex()));
                    partition.requireLeader(p.currentLeaderEpoch());
                    lookup(partition.log(), p.timestamp(), r);
                    if (context.apiVersion() < LEADER_EPOCH_VERSION) {
                        r.setLeaderEpoch(-1); // v1-v3 cannot carry it
                    }
                } catch (ApiException e) {
                    r.setErrorCode(Errors.forException(e).code());
                }
            }
        }
        return CompletableFuture.completedFuture(new ListOffsetsResponse(response));
    }

    private static void lookup(PartitionLog log, long timestamp, ListOffsetsPartitionResponse r) {
        long hw = log.highWatermark();
        if (timestamp == ListOffsetsRequest.LATEST_TIMESTAMP) {
            r.setOffset(hw).setLeaderEpoch(epochAt(log, hw));
        } else if (timestamp == ListOffsetsRequest.EARLIEST_TIMESTAMP
                || timestamp == ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP) {
            long start = log.logStartOffset();
            r.setOffset(start).setLeaderEpoch(log.epochs().epochFor(start));
        } else if (timestamp == ListOffsetsRequest.MAX_TIMESTAMP) {
            Optional<FileRecords.TimestampAndOffset> max = log.offsetOfMaxTimestamp();
            max.filter(t -> t.offset < hw)
                    .ifPresent(t ->
                            r.setOffset(t.offset).setTimestamp(t.timestamp).setLeaderEpoch(t.leaderEpoch.orElse(-1)));
        } else if (timestamp >= 0) {
            Optional<FileRecords.TimestampAndOffset> found = log.offsetForTimestamp(timestamp);
            found.filter(t -> t.offset < hw)
                    .ifPresent(t ->
                            r.setOffset(t.offset).setTimestamp(t.timestamp).setLeaderEpoch(t.leaderEpoch.orElse(-1)));
        }
        // other special timestamps (tiered storage) have no answer here: UNKNOWN_OFFSET
    }

    private static int epochAt(PartitionLog log, long offset) {
        return log.epochs().latestEpoch().orElse(-1) == -1 ? -1 : log.epochs().epochFor(Math.max(0, offset - 1));
    }
}
