package io.vertebra.log.protocol.handler;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ElectLeadersRequest;
import org.apache.kafka.common.requests.ElectLeadersResponse;

/** ElectLeaders: preferred (kafka-leader-election --election-type preferred) and unclean elections. */
public final class ElectLeadersHandler implements ApiHandler {
    private final Controller controller;

    public ElectLeadersHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        ElectLeadersRequestData data = ((ElectLeadersRequest) request).data();
        List<TopicPartition> partitions = null;
        if (data.topicPartitions() != null) {
            partitions = new ArrayList<>();
            for (ElectLeadersRequestData.TopicPartitions t : data.topicPartitions()) {
                for (int p : t.partitions()) {
                    partitions.add(new TopicPartition(t.topic(), p));
                }
            }
        }
        byte type = context.apiVersion() == 0 ? 0 : data.electionType();
        return controller.electLeaders(type, partitions).thenApply(results -> {
            Map<String, ElectLeadersResponseData.ReplicaElectionResult> byTopic = new LinkedHashMap<>();
            for (Map.Entry<TopicPartition, ApiError> e : results.entrySet()) {
                ElectLeadersResponseData.ReplicaElectionResult topic = byTopic.computeIfAbsent(
                        e.getKey().topic(), t -> new ElectLeadersResponseData.ReplicaElectionResult().setTopic(t));
                topic.partitionResult()
                        .add(new ElectLeadersResponseData.PartitionResult()
                                .setPartitionId(e.getKey().partition())
                                .setErrorCode(e.getValue().error().code())
                                .setErrorMessage(
                                        e.getValue().isFailure() ? e.getValue().message() : null));
            }
            return new ElectLeadersResponse(
                    new ElectLeadersResponseData().setReplicaElectionResults(new ArrayList<>(byTopic.values())));
        });
    }
}
