package io.vertebra.log.protocol.handler;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.controller.Controller;
import io.vertebra.log.controller.TopicSpec;
import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;

/**
 * Metadata: live brokers, the controller and topics with their partitions' leaders, replicas and ISR. A topic
 * that does not exist is created when the client allows it and {@code auto.create.topics.enable} is on; the
 * response waits for the creation instead of answering LEADER_NOT_AVAILABLE, saving the client a retry.
 */
public final class MetadataHandler implements ApiHandler {
    private final Controller controller;
    private final BrokerConfig config;
    private final IntSupplier controllerId;

    public MetadataHandler(Controller controller, BrokerConfig config, IntSupplier controllerId) {
        this.controller = controller;
        this.config = config;
        this.controllerId = controllerId;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        MetadataRequest metadataRequest = (MetadataRequest) request;
        MetadataRequestData data = metadataRequest.data();
        MetadataImage image = controller.image();
        if (data.topics() == null) {
            return CompletableFuture.completedFuture(response(image, null, Map.of(), context.apiVersion()));
        }
        List<String> names = new ArrayList<>();
        Map<String, Errors> errors = new LinkedHashMap<>();
        List<TopicSpec> toCreate = new ArrayList<>();
        for (MetadataRequestData.MetadataRequestTopic topic : data.topics()) {
            String name = topic.name();
            if (name == null && topic.topicId() != null && !Uuid.ZERO_UUID.equals(topic.topicId())) {
                TopicImage byId = image.topic(topic.topicId());
                if (byId == null) {
                    errors.put(topic.topicId().toString(), Errors.UNKNOWN_TOPIC_ID);
                    continue;
                }
                name = byId.name();
            }
            if (name == null) {
                continue;
            }
            names.add(name);
            if (image.topic(name) != null) {
                continue;
            }
            try {
                Controller.validateTopicName(name);
            } catch (InvalidTopicException e) {
                errors.put(name, Errors.INVALID_TOPIC_EXCEPTION);
                continue;
            }
            if (data.allowAutoTopicCreation()
                    && config.getBoolean(BrokerConfig.AUTO_CREATE_TOPICS)
                    && !Topic.isInternal(name)) {
                toCreate.add(new TopicSpec(name, -1, (short) -1, List.of(), Map.of()));
            } else {
                errors.put(name, Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }
        }
        if (toCreate.isEmpty()) {
            return CompletableFuture.completedFuture(response(image, names, errors, context.apiVersion()));
        }
        return controller.createTopics(toCreate, false).thenApply(results -> {
            for (Map.Entry<String, ApiError> result : results.entrySet()) {
                if (result.getValue().isFailure() && result.getValue().error() != Errors.TOPIC_ALREADY_EXISTS) {
                    errors.put(result.getKey(), result.getValue().error());
                }
            }
            return response(controller.image(), names, errors, context.apiVersion());
        });
    }

    private MetadataResponse response(
            MetadataImage image, List<String> names, Map<String, Errors> errors, short version) {
        MetadataResponseData response =
                new MetadataResponseData().setClusterId(image.clusterId()).setControllerId(controllerId.getAsInt());
        for (BrokerImage broker : image.liveBrokers()) {
            response.brokers()
                    .add(new MetadataResponseBroker()
                            .setNodeId(broker.id())
                            .setHost(broker.host())
                            .setPort(broker.port())
                            .setRack(broker.rack()));
        }
        List<String> wanted = names == null ? new ArrayList<>(image.topics().keySet()) : names;
        for (String name : wanted) {
            Errors error = errors.get(name);
            TopicImage topic = image.topic(name);
            if (error == null && topic == null) {
                error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
            }
            if (error != null) {
                response.topics()
                        .add(new MetadataResponseTopic()
                                .setName(name)
                                .setErrorCode(error.code())
                                .setIsInternal(Topic.isInternal(name)));
                continue;
            }
            response.topics().add(topicMetadata(image, topic));
        }
        for (Map.Entry<String, Errors> e : errors.entrySet()) {
            if (e.getValue() == Errors.UNKNOWN_TOPIC_ID) {
                response.topics()
                        .add(new MetadataResponseTopic()
                                .setTopicId(Uuid.fromString(e.getKey()))
                                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
            }
        }
        return new MetadataResponse(response, version);
    }

    static MetadataResponseTopic topicMetadata(MetadataImage image, TopicImage topic) {
        MetadataResponseTopic t = new MetadataResponseTopic()
                .setName(topic.name())
                .setTopicId(topic.id())
                .setIsInternal(Topic.isInternal(topic.name()))
                .setErrorCode(Errors.NONE.code());
        for (PartitionImage p : topic.partitions()) {
            List<Integer> offline = new ArrayList<>();
            for (int replica : p.replicas()) {
                BrokerImage broker = image.brokers().get(replica);
                if (broker == null || broker.fenced() || p.isOffline(replica)) {
                    offline.add(replica);
                }
            }
            t.partitions()
                    .add(new MetadataResponsePartition()
                            .setPartitionIndex(p.partition())
                            .setErrorCode(p.hasLeader() ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                            .setLeaderId(p.leader())
                            .setLeaderEpoch(p.leaderEpoch())
                            .setReplicaNodes(new ArrayList<>(p.replicas()))
                            .setIsrNodes(new ArrayList<>(p.isr()))
                            .setOfflineReplicas(offline));
        }
        return t;
    }
}
