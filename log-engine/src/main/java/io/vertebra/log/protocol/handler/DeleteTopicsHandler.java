package io.vertebra.log.protocol.handler;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.controller.Controller;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.security.InternalResourceGuard;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;

/**
 * DeleteTopics, by name (v1+) or by topic id (v6). Ids are resolved to names against the current metadata and
 * the controller deletes by name; the answer comes once the deletion is applied locally (the logs are gone).
 * With {@code delete.topic.enable=false} the whole request fails with TOPIC_DELETION_DISABLED (INVALID_REQUEST
 * before v3, which has no such code).
 */
public final class DeleteTopicsHandler implements ApiHandler {
    private final Controller controller;
    private final BrokerConfig config;
    private final InternalResourceGuard guard;

    public DeleteTopicsHandler(Controller controller, BrokerConfig config, InternalResourceGuard guard) {
        this.controller = controller;
        this.config = config;
        this.guard = guard;
    }

    /** One requested topic once its name and id are known. */
    private record Target(String name, Uuid id) {}

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        DeleteTopicsRequest deleteTopics = (DeleteTopicsRequest) request;
        if (!config.getBoolean(BrokerConfig.DELETE_TOPIC_ENABLE)) {
            String message =
                    "topic deletion is disabled on this cluster (" + BrokerConfig.DELETE_TOPIC_ENABLE + "=false)";
            throw context.apiVersion() < 3
                    ? new InvalidRequestException(message)
                    : new TopicDeletionDisabledException(message);
        }
        MetadataImage image = controller.image();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        Map<String, Target> toDelete = new LinkedHashMap<>();
        Set<String> duplicates = new HashSet<>();
        for (DeleteTopicState state : deleteTopics.topics()) {
            boolean byId = state.topicId() != null && !Uuid.ZERO_UUID.equals(state.topicId());
            if (state.name() == null && !byId) {
                response.responses()
                        .add(result(null, Uuid.ZERO_UUID, Errors.INVALID_REQUEST, "give a topic name or a topic id"));
                continue;
            }
            if (state.name() != null && byId) {
                response.responses()
                        .add(result(
                                state.name(),
                                state.topicId(),
                                Errors.INVALID_REQUEST,
                                "give either the name or the id of topic '" + state.name() + "', not both"));
                continue;
            }
            TopicImage topic = byId ? image.topic(state.topicId()) : image.topic(state.name());
            ApiException refused =
                    guard.checkTopic(context.principal(), topic == null ? state.name() : topic.name(), "delete");
            if (refused != null) {
                response.responses()
                        .add(result(
                                topic == null ? state.name() : topic.name(),
                                topic == null ? Uuid.ZERO_UUID : topic.id(),
                                Errors.TOPIC_AUTHORIZATION_FAILED,
                                refused.getMessage()));
                continue;
            }
            if (topic == null) {
                response.responses()
                        .add(
                                byId
                                        ? result(
                                                null,
                                                state.topicId(),
                                                Errors.UNKNOWN_TOPIC_ID,
                                                "no topic has the id " + state.topicId())
                                        : result(
                                                state.name(),
                                                Uuid.ZERO_UUID,
                                                Errors.UNKNOWN_TOPIC_OR_PARTITION,
                                                "topic '" + state.name() + "' does not exist"));
                continue;
            }
            if (toDelete.putIfAbsent(topic.name(), new Target(topic.name(), topic.id())) != null) {
                duplicates.add(topic.name());
            }
        }
        for (String name : duplicates) {
            Target target = toDelete.remove(name);
            response.responses()
                    .add(result(
                            name,
                            target.id(),
                            Errors.INVALID_REQUEST,
                            "topic '" + name + "' is named more than once in the request (by name or id)"));
        }
        if (toDelete.isEmpty()) {
            return CompletableFuture.completedFuture(new DeleteTopicsResponse(response));
        }
        return controller.deleteTopics(new ArrayList<>(toDelete.keySet())).thenApply(results -> {
            for (Map.Entry<String, ApiError> r : results.entrySet()) {
                Target target = toDelete.get(r.getKey());
                ApiError error = r.getValue();
                response.responses()
                        .add(result(
                                target.name(), target.id(), error.error(), error.isFailure() ? error.message() : null));
            }
            return new DeleteTopicsResponse(response);
        });
    }

    private static DeletableTopicResult result(String name, Uuid id, Errors error, String message) {
        return new DeletableTopicResult()
                .setName(name)
                .setTopicId(id)
                .setErrorCode(error.code())
                .setErrorMessage(message);
    }
}
