package io.vertebra.log.protocol.handler;

import io.vertebra.log.config.LogConfig;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.metrics.TopicMetrics;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.record.ProduceBatches;
import io.vertebra.log.record.RecordErrors;
import io.vertebra.log.replication.DelayedOperations;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.security.InternalResourceGuard;
import io.vertebra.log.storage.AppendResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.utils.Time;

/**
 * Produce: validates each partition's batches (CRC, size, format), appends them at the leader with offsets
 * assigned in place, and answers — at once for acks=0/1 and for acks=all when the ISR already has the data,
 * otherwise when the high watermark passes the last offset or the request timeout expires. Each partition
 * succeeds or fails on its own, with the Kafka error code and a message naming the problem. Internal topics take
 * writes only from the principals the {@link InternalResourceGuard} trusts (TOPIC_AUTHORIZATION_FAILED otherwise).
 */
public final class ProduceHandler implements ApiHandler {
    private final Partitions partitions;
    private final DelayedOperations delayed;
    private final Time time;
    private final TopicMetrics metrics;
    private final InternalResourceGuard guard;

    public ProduceHandler(
            Partitions partitions,
            DelayedOperations delayed,
            Time time,
            TopicMetrics metrics,
            InternalResourceGuard guard) {
        this.partitions = partitions;
        this.guard = guard;
        this.delayed = delayed;
        this.time = time;
        this.metrics = metrics;
    }

    private record Waiting(PartitionProduceResponse response, Partition partition, long requiredOffset) {}

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        ProduceRequest produce = (ProduceRequest) request;
        short acks = produce.acks();
        MetadataImage image = partitions.image();
        long now = time.milliseconds();
        ProduceResponseData response = new ProduceResponseData();
        List<Waiting> waiting = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData topicData : produce.data().topicData()) {
            TopicImage topic = resolve(image, topicData);
            ApiException refused = guard.checkTopic(
                    context.principal(), topic == null ? topicData.name() : topic.name(), "produce to");
            TopicProduceResponse topicResponse =
                    new TopicProduceResponse().setName(topicData.name()).setTopicId(topicData.topicId());
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse r = new PartitionProduceResponse()
                        .setIndex(partitionData.index())
                        .setBaseOffset(-1)
                        .setLogAppendTimeMs(-1)
                        .setLogStartOffset(-1);
                topicResponse.partitionResponses().add(r);
                try {
                    if (refused != null) {
                        throw refused;
                    }
                    if (topic == null) {
                        throw topicData.topicId() != null && !Uuid.ZERO_UUID.equals(topicData.topicId())
                                ? new UnknownTopicIdException("unknown topic id " + topicData.topicId())
                                : new UnknownTopicOrPartitionException(
                                        "topic '" + topicData.name() + "' does not exist");
                    }
                    if (Topic.isInternal(topic.name())) {
                        throw new InvalidTopicException(
                                "clients may not produce to the internal topic " + topic.name());
                    }
                    Partition partition =
                            partitions.getOrThrow(new TopicPartition(topic.name(), partitionData.index()));
                    if (!(partitionData.records() instanceof MemoryRecords records)) {
                        throw new org.apache.kafka.common.InvalidRecordException(
                                "produce request for " + partition.topicPartition() + " carries no record data");
                    }
                    LogConfig config = partition.log().config();
                    ProduceBatches.Summary summary = ProduceBatches.validate(records, rules(config), now);
                    AppendResult result = partition.appendAsLeader(records, summary, acks);
                    if (!result.duplicate()) {
                        metrics.topic(topic.name()).produced(records.sizeInBytes(), result.recordCount());
                    }
                    r.setBaseOffset(result.firstOffset())
                            .setLogAppendTimeMs(result.logAppendTimeMs())
                            .setLogStartOffset(result.logStartOffset());
                    if (acks == -1 && !partition.isReplicatedUpTo(result.lastOffset() + 1)) {
                        waiting.add(new Waiting(r, partition, result.lastOffset() + 1));
                    }
                } catch (ApiException e) {
                    r.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                    if (e instanceof RecordErrors.AtRecord atRecord) {
                        r.setRecordErrors(List.of(new ProduceResponseData.BatchIndexAndErrorMessage()
                                .setBatchIndex(atRecord.batchIndex())
                                .setBatchIndexErrorMessage(e.getMessage())));
                    }
                }
            }
        }
        if (waiting.isEmpty()) {
            return CompletableFuture.completedFuture(new ProduceResponse(response));
        }
        CompletableFuture<AbstractResponse> done = new CompletableFuture<>();
        List<Partition> watched = new ArrayList<>();
        waiting.forEach(w -> watched.add(w.partition()));
        delayed.park(
                DelayedOperations.Kind.PRODUCE,
                watched,
                produce.timeout(),
                () -> waiting.stream()
                        .allMatch(w -> w.partition().isReplicatedUpTo(w.requiredOffset())
                                || !w.partition().isLeader()),
                () -> {
                    for (Waiting w : waiting) {
                        if (!w.partition().isLeader()) {
                            w.response()
                                    .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                                    .setErrorMessage(
                                            "leadership of " + w.partition().topicPartition()
                                                    + " moved before the write was replicated");
                        } else if (!w.partition().isReplicatedUpTo(w.requiredOffset())) {
                            w.response()
                                    .setErrorCode(Errors.REQUEST_TIMED_OUT.code())
                                    .setErrorMessage("the in-sync replicas did not acknowledge the write within "
                                            + produce.timeout() + " ms");
                        }
                    }
                    done.complete(new ProduceResponse(response));
                });
        return done;
    }

    private static TopicImage resolve(MetadataImage image, ProduceRequestData.TopicProduceData topicData) {
        if (topicData.topicId() != null && !Uuid.ZERO_UUID.equals(topicData.topicId())) {
            TopicImage topic = image.topic(topicData.topicId());
            return topic;
        }
        return topicData.name() == null ? null : image.topic(topicData.name());
    }

    static ProduceBatches.Rules rules(LogConfig config) {
        return new ProduceBatches.Rules(
                config.maxMessageBytes(),
                config.compact(),
                config.timestampType(),
                config.timestampBeforeMaxMs(),
                config.timestampAfterMaxMs(),
                config.compressionType());
    }
}
