package io.vertebra.log.protocol.handler;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.security.InternalResourceGuard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;

/**
 * CreatePartitions: grows topics to a new partition count, placing the new replicas or taking the given
 * assignments. The controller checks each topic (it exists, the count only grows, assignments fit); a topic named
 * twice fails with INVALID_REQUEST, and a request adding more than
 * {@link Controller#MAX_NEW_PARTITIONS_PER_REQUEST} partitions in total fails with POLICY_VIOLATION.
 */
public final class CreatePartitionsHandler implements ApiHandler {
    private final Controller controller;
    private final InternalResourceGuard guard;

    public CreatePartitionsHandler(Controller controller, InternalResourceGuard guard) {
        this.controller = controller;
        this.guard = guard;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        CreatePartitionsRequestData data = ((CreatePartitionsRequest) request).data();
        Map<String, Integer> mentions = new HashMap<>();
        for (CreatePartitionsTopic topic : data.topics()) {
            mentions.merge(topic.name(), 1, Integer::sum);
        }
        List<CompletableFuture<CreatePartitionsTopicResult>> results = new ArrayList<>();
        long newPartitions = 0;
        for (CreatePartitionsTopic topic : data.topics()) {
            String name = topic.name();
            ApiException refused = guard.checkTopic(context.principal(), name, "add partitions to");
            if (refused != null) {
                results.add(done(name, ApiError.fromThrowable(refused)));
                continue;
            }
            if (mentions.get(name) > 1) {
                results.add(done(name, new ApiError(Errors.INVALID_REQUEST, "topic '" + name + "' appears twice")));
                continue;
            }
            TopicImage current = controller.image().topic(name);
            if (current != null) {
                newPartitions +=
                        Math.max(0, (long) topic.count() - current.partitions().size());
            }
            if (newPartitions > Controller.MAX_NEW_PARTITIONS_PER_REQUEST) {
                results.add(done(
                        name,
                        new ApiError(
                                Errors.POLICY_VIOLATION,
                                "this request adds " + newPartitions + " partitions; at most "
                                        + Controller.MAX_NEW_PARTITIONS_PER_REQUEST
                                        + " new partitions per request are allowed")));
                continue;
            }
            List<List<Integer>> assignments = null;
            if (topic.assignments() != null) {
                assignments = new ArrayList<>();
                for (CreatePartitionsAssignment a : topic.assignments()) {
                    assignments.add(new ArrayList<>(a.brokerIds()));
                }
            }
            results.add(controller
                    .createPartitions(name, topic.count(), assignments, data.validateOnly())
                    .thenApply(error -> result(name, error)));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> {
                    CreatePartitionsResponseData response = new CreatePartitionsResponseData();
                    for (CompletableFuture<CreatePartitionsTopicResult> r : results) {
                        response.results().add(r.join());
                    }
                    return new CreatePartitionsResponse(response);
                });
    }

    private static CompletableFuture<CreatePartitionsTopicResult> done(String name, ApiError error) {
        return CompletableFuture.completedFuture(result(name, error));
    }

    private static CreatePartitionsTopicResult result(String name, ApiError error) {
        return new CreatePartitionsTopicResult()
                .setName(name)
                .setErrorCode(error.error().code())
                .setErrorMessage(error.isFailure() ? error.message() : null);
    }
}
