package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;

/**
 * OffsetForLeaderEpoch: "where did epoch E end?" — the start offset of the next larger epoch, or the log end for
 * the current one, with the largest epoch at or below E (see {@link io.vertebra.log.storage.LeaderEpochCache}).
 * Consumers ask after a leader change to check that their position was not truncated away; followers ask to find
 * where to truncate. Only the leader answers; {@code currentLeaderEpoch} fences callers with stale metadata
 * (FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer than this broker knows).
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler {
    private final Partitions partitions;

    public OffsetForLeaderEpochHandler(Partitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        OffsetForLeaderEpochRequestData data = ((OffsetsForLeaderEpochRequest) request).data();
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderTopic topic : data.topics()) {
            OffsetForLeaderTopicResult topicResult = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            for (OffsetForLeaderPartition p : topic.partitions()) {
                EpochEndOffset result = new EpochEndOffset()
                        .setPartition(p.partition())
                        .setLeaderEpoch(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH)
                        .setEndOffset(OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET);
                try {
                    Partition partition = partitions.getOrThrow(new TopicPartition(topic.topic(), p.partition()));
                    partition.requireLeader(p.currentLeaderEpoch());
                    long[] end = partition
                            .log()
                            .epochs()
                            .endOffsetFor(p.leaderEpoch(), partition.log().logEndOffset());
                    result.setLeaderEpoch((int) end[0]).setEndOffset(end[1]);
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code());
                }
                topicResult.partitions().add(result);
            }
            response.topics().add(topicResult);
        }
        return CompletableFuture.completedFuture(new OffsetsForLeaderEpochResponse(response));
    }
}
