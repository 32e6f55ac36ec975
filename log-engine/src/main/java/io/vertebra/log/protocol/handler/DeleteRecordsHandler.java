package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.security.InternalResourceGuard;
import io.vertebra.log.storage.PartitionLog;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;

/**
 * DeleteRecords: moves a partition's log start offset (its low watermark) forward on the leader; whole segments
 * below it are deleted. Offset -1 means the high watermark; an offset beyond the high watermark or below -1 is
 * OFFSET_OUT_OF_RANGE; a topic whose cleanup policy does not include {@code delete} refuses with
 * POLICY_VIOLATION, as in Kafka. Answered at once with the leader's new log start offset: followers learn it
 * from their next fetch (replication does not wait for them yet).
 */
public final class DeleteRecordsHandler implements ApiHandler {
    /** The deletion offset that means "up to the high watermark". */
    static final long HIGH_WATERMARK = -1L;

    private final Partitions partitions;
    private final InternalResourceGuard guard;

    public DeleteRecordsHandler(Partitions partitions, InternalResourceGuard guard) {
        this.partitions = partitions;
        this.guard = guard;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        DeleteRecordsRequestData data = ((DeleteRecordsRequest) request).data();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsRequestData.DeleteRecordsTopic topic : data.topics()) {
            DeleteRecordsTopicResult topicResult = new DeleteRecordsTopicResult().setName(topic.name());
            response.topics().add(topicResult);
            ApiException refused = guard.checkTopic(context.principal(), topic.name(), "delete records of");
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : topic.partitions()) {
                DeleteRecordsPartitionResult result = new DeleteRecordsPartitionResult()
                        .setPartitionIndex(p.partitionIndex())
                        .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
                try {
                    if (refused != null) {
                        throw refused;
                    }
                    TopicPartition tp = new TopicPartition(topic.name(), p.partitionIndex());
                    result.setLowWatermark(deleteBefore(partitions.getOrThrow(tp), p.offset()));
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code());
                }
                topicResult.partitions().add(result);
            }
        }
        return CompletableFuture.completedFuture(new DeleteRecordsResponse(response));
    }

    private static long deleteBefore(Partition partition, long offset) {
        partition.requireLeader(-1);
        PartitionLog log = partition.log();
        if (!log.config().delete()) {
            throw new PolicyViolationException("records of " + partition.topicPartition() + " cannot be deleted:"
                    + " its cleanup.policy is " + log.config().cleanupPolicy() + ", without 'delete'");
        }
        if (offset < HIGH_WATERMARK) {
            throw new OffsetOutOfRangeException("cannot delete records of " + partition.topicPartition()
                    + " before offset " + offset + ": give an offset >= 0, or -1 for the high watermark");
        }
        return log.deleteRecordsBefore(offset == HIGH_WATERMARK ? log.highWatermark() : offset);
    }
}
