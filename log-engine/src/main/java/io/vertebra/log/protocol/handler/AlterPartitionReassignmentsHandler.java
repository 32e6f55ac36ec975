package io.vertebra.log.protocol.handler;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse;
import org.apache.kafka.common.requests.ApiError;

/** AlterPartitionReassignments (kafka-reassign-partitions --execute / --cancel). */
public final class AlterPartitionReassignmentsHandler implements ApiHandler {
    private final Controller controller;

    public AlterPartitionReassignmentsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        AlterPartitionReassignmentsRequestData data = ((AlterPartitionReassignmentsRequest) request).data();
        Map<TopicPartition, Optional<java.util.List<Integer>>> targets = new LinkedHashMap<>();
        for (AlterPartitionReassignmentsRequestData.ReassignableTopic t : data.topics()) {
            for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : t.partitions()) {
                targets.put(
                        new TopicPartition(t.name(), p.partitionIndex()),
                        Optional.ofNullable(p.replicas()).map(ArrayList::new));
            }
        }
        return controller.reassign(targets).thenApply(results -> {
            Map<String, AlterPartitionReassignmentsResponseData.ReassignableTopicResponse> byTopic =
                    new LinkedHashMap<>();
            for (Map.Entry<TopicPartition, ApiError> e : results.entrySet()) {
                var topic = byTopic.computeIfAbsent(
                        e.getKey().topic(),
                        t -> new AlterPartitionReassignmentsResponseData.ReassignableTopicResponse().setName(t));
                topic.partitions()
                        .add(new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse()
                                .setPartitionIndex(e.getKey().partition())
                                .setErrorCode(e.getValue().error().code())
                                .setErrorMessage(
                                        e.getValue().isFailure() ? e.getValue().message() : null));
            }
            return new AlterPartitionReassignmentsResponse(new AlterPartitionReassignmentsResponseData()
                    .setAllowReplicationFactorChange(data.allowReplicationFactorChange())
                    .setResponses(new ArrayList<>(byTopic.values())));
        });
    }
}
