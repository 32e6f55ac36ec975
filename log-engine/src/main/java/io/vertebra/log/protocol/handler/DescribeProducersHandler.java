package io.vertebra.log.protocol.handler;

import io.vertebra.log.producer.ProducerStateTable;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;

/**
 * DescribeProducers (kafka-ui, {@code kafka-transactions describe-producers}): the idempotent producers a
 * partition leader keeps state for, with epoch, last sequence and last timestamp. Transactions do not exist yet,
 * so the coordinator epoch and the open transaction's start offset are always -1.
 */
public final class DescribeProducersHandler implements ApiHandler {
    private final Partitions partitions;

    public DescribeProducersHandler(Partitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        DescribeProducersRequestData data = ((DescribeProducersRequest) request).data();
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest topic : data.topics()) {
            TopicResponse topicResponse = new TopicResponse().setName(topic.name());
            for (int index : topic.partitionIndexes()) {
                PartitionResponse r = new PartitionResponse().setPartitionIndex(index);
                try {
                    Partition partition = partitions.getOrThrow(new TopicPartition(topic.name(), index));
                    partition.requireLeader(-1);
                    for (ProducerStateTable.ActiveProducer p : partition.log().activeProducers()) {
                        r.activeProducers()
                                .add(new ProducerState()
                                        .setProducerId(p.producerId())
                                        .setProducerEpoch(p.epoch())
                                        .setLastSequence(p.lastSequence())
                                        .setLastTimestamp(p.lastTimestamp())
                                        .setCoordinatorEpoch(-1)
                                        .setCurrentTxnStartOffset(-1));
                    }
                } catch (ApiException e) {
                    r.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                }
                topicResponse.partitions().add(r);
            }
            response.topics().add(topicResponse);
        }
        return CompletableFuture.completedFuture(new DescribeProducersResponse(response));
    }
}
