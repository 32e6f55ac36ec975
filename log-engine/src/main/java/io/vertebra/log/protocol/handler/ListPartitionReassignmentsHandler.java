package io.vertebra.log.protocol.handler;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsResponse;

/** ListPartitionReassignments: the reassignments in progress (kafka-reassign-partitions --verify). */
public final class ListPartitionReassignmentsHandler implements ApiHandler {
    private final Controller controller;

    public ListPartitionReassignmentsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        ListPartitionReassignmentsRequestData data = ((ListPartitionReassignmentsRequest) request).data();
        MetadataImage image = controller.image();
        ListPartitionReassignmentsResponseData response = new ListPartitionReassignmentsResponseData();
        List<TopicImage> topics = new ArrayList<>();
        if (data.topics() == null) {
            topics.addAll(image.topics().values());
        } else {
            for (var t : data.topics()) {
                TopicImage topic = image.topic(t.name());
                if (topic != null) {
                    topics.add(topic);
                }
            }
        }
        for (TopicImage topic : topics) {
            OngoingTopicReassignment ongoing = new OngoingTopicReassignment().setName(topic.name());
            for (PartitionImage p : topic.partitions()) {
                if (data.topics() != null
                        && data.topics().stream()
                                .noneMatch(t -> t.name().equals(topic.name())
                                        && t.partitionIndexes().contains(p.partition()))) {
                    continue;
                }
                if (!p.addingReplicas().isEmpty() || !p.removingReplicas().isEmpty()) {
                    ongoing.partitions()
                            .add(new OngoingPartitionReassignment()
                                    .setPartitionIndex(p.partition())
                                    .setReplicas(new ArrayList<>(p.replicas()))
                                    .setAddingReplicas(new ArrayList<>(p.addingReplicas()))
                                    .setRemovingReplicas(new ArrayList<>(p.removingReplicas())));
                }
            }
            if (!ongoing.partitions().isEmpty()) {
                response.topics().add(ongoing);
            }
        }
        return CompletableFuture.completedFuture(new ListPartitionReassignmentsResponse(response));
    }
}
