package io.vertebra.log.protocol.handler;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.controller.TopicSpec;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.security.InternalResourceGuard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;

/** CreateTopics: validated and placed by the controller; answers per topic with its id, counts and configs. */
public final class CreateTopicsHandler implements ApiHandler {
    private final Controller controller;
    private final TopicConfigsDescriber configs;
    private final InternalResourceGuard guard;

    public CreateTopicsHandler(Controller controller, TopicConfigsDescriber configs, InternalResourceGuard guard) {
        this.controller = controller;
        this.configs = configs;
        this.guard = guard;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        CreateTopicsRequestData data = ((CreateTopicsRequest) request).data();
        List<TopicSpec> specs = new ArrayList<>();
        CreateTopicsResponseData refusedTopics = new CreateTopicsResponseData();
        for (CreateTopicsRequestData.CreatableTopic topic : data.topics()) {
            ApiException refused = guard.checkTopic(context.principal(), topic.name(), "create");
            if (refused != null) {
                refusedTopics
                        .topics()
                        .add(new CreatableTopicResult()
                                .setName(topic.name())
                                .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                                .setErrorMessage(refused.getMessage()));
                continue;
            }
            List<List<Integer>> assignments = new ArrayList<>();
            for (CreateTopicsRequestData.CreatableReplicaAssignment a : topic.assignments()) {
                while (assignments.size() <= a.partitionIndex()) {
                    assignments.add(List.of());
                }
                assignments.set(a.partitionIndex(), new ArrayList<>(a.brokerIds()));
            }
            Map<String, String> topicConfigs = new LinkedHashMap<>();
            for (CreateTopicsRequestData.CreatableTopicConfig c : topic.configs()) {
                topicConfigs.put(c.name(), c.value());
            }
            specs.add(new TopicSpec(
                    topic.name(), topic.numPartitions(), topic.replicationFactor(), assignments, topicConfigs));
        }
        return controller.createTopics(specs, data.validateOnly()).thenApply(results -> {
            CreateTopicsResponseData response = refusedTopics;
            for (Map.Entry<String, ApiError> result : results.entrySet()) {
                CreatableTopicResult r = new CreatableTopicResult()
                        .setName(result.getKey())
                        .setErrorCode(result.getValue().error().code())
                        .setErrorMessage(
                                result.getValue().isFailure()
                                        ? result.getValue().message()
                                        : null);
                TopicImage created = controller.image().topic(result.getKey());
                if (!result.getValue().isFailure() && created != null) {
                    r.setTopicId(created.id())
                            .setNumPartitions(created.partitions().size())
                            .setReplicationFactor((short)
                                    created.partitions().get(0).replicas().size());
                    r.setConfigs(configs.createTopicConfigs(created));
                } else if (!result.getValue().isFailure()) {
                    // validate only: echo what would be created
                    r.setNumPartitions(-1).setReplicationFactor((short) -1);
                }
                response.topics().add(r);
            }
            return new CreateTopicsResponse(response);
        });
    }
}
