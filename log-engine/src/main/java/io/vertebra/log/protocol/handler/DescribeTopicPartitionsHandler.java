package io.vertebra.log.protocol.handler;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;

/**
 * DescribeTopicPartitions (KIP-966; the 4.x admin client's describeTopics, hence {@code kafka-topics --describe}):
 * topics in name order with their partitions' leaders, replicas and ISR, paginated. A response holds at most
 * {@code min(ResponsePartitionLimit, 2000)} partitions; when more remain, {@code NextCursor} names the topic and
 * partition to continue from, and the client sends the same request again with that cursor.
 *
 * <p>An empty topic list means every topic (then unknown names cannot occur and nothing is reported as missing);
 * a named topic that does not exist is answered with UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for an
 * illegal name). The cursor's topic must be among the named ones and its partition not negative
 * (INVALID_REQUEST). Answered from one metadata image, at once.
 */
public final class DescribeTopicPartitionsHandler implements ApiHandler {
    /** Kafka's {@code max.request.partition.size.limit} default: the most partitions one response may carry. */
    static final int MAX_PARTITIONS_PER_RESPONSE = 2000;

    /** Without an authorizer every topic operation is allowed. */
    private static final int TOPIC_OPERATIONS = DescribeClusterHandler.bits(
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.CREATE,
            AclOperation.DESCRIBE,
            AclOperation.DELETE,
            AclOperation.ALTER,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS);

    private final Controller controller;

    public DescribeTopicPartitionsHandler(Controller controller) {
        this.controller = controller;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        DescribeTopicPartitionsRequestData data = ((DescribeTopicPartitionsRequest) request).data();
        MetadataImage image = controller.image();
        DescribeTopicPartitionsRequestData.Cursor cursor = data.cursor();
        String cursorTopic = cursor == null ? "" : cursor.topicName();
        boolean allTopics = data.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (allTopics) {
            names.addAll(image.topics().keySet());
        } else {
            data.topics().forEach(t -> names.add(t.name()));
            if (cursor != null && !names.contains(cursorTopic)) {
                throw new InvalidRequestException(
                        "the cursor names topic '" + cursorTopic + "', which is not among the requested topics");
            }
        }
        if (cursor != null && cursor.partitionIndex() < 0) {
            throw new InvalidRequestException(
                    "the cursor's partition index must not be negative, got " + cursor.partitionIndex());
        }
        int remaining = Math.max(1, Math.min(MAX_PARTITIONS_PER_RESPONSE, data.responsePartitionLimit()));
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (String name : names.tailSet(cursorTopic, true)) {
            if (remaining == 0) {
                response.setNextCursor(cursor(name, 0));
                break;
            }
            TopicImage topic = image.topic(name);
            if (topic == null) {
                if (!allTopics) {
                    response.topics().add(missingTopic(name));
                }
                continue;
            }
            int first = name.equals(cursorTopic) ? cursor.partitionIndex() : 0;
            int end = (int) Math.min(topic.partitions().size(), (long) first + remaining);
            DescribeTopicPartitionsResponseTopic t = new DescribeTopicPartitionsResponseTopic()
                    .setName(name)
                    .setTopicId(topic.id())
                    .setIsInternal(Topic.isInternal(name))
                    .setErrorCode(Errors.NONE.code())
                    .setTopicAuthorizedOperations(TOPIC_OPERATIONS);
            for (int i = first; i < end; i++) {
                t.partitions().add(partition(image, topic.partitions().get(i)));
            }
            response.topics().add(t);
            if (end < topic.partitions().size()) {
                response.setNextCursor(cursor(name, end));
                break;
            }
            remaining -= Math.max(0, end - first);
        }
        return CompletableFuture.completedFuture(new DescribeTopicPartitionsResponse(response));
    }

    private static DescribeTopicPartitionsResponseData.Cursor cursor(String topic, int partition) {
        return new DescribeTopicPartitionsResponseData.Cursor()
                .setTopicName(topic)
                .setPartitionIndex(partition);
    }

    private static DescribeTopicPartitionsResponseTopic missingTopic(String name) {
        Errors error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            error = Errors.INVALID_TOPIC_EXCEPTION;
        }
        return new DescribeTopicPartitionsResponseTopic()
                .setName(name)
                .setTopicId(Uuid.ZERO_UUID)
                .setIsInternal(Topic.isInternal(name))
                .setErrorCode(error.code());
    }

    private static DescribeTopicPartitionsResponsePartition partition(MetadataImage image, PartitionImage p) {
        List<Integer> offline = new ArrayList<>();
        for (int replica : p.replicas()) {
            BrokerImage broker = image.brokers().get(replica);
            if (broker == null || broker.fenced() || p.isOffline(replica)) {
                offline.add(replica);
            }
        }
        return new DescribeTopicPartitionsResponsePartition()
                .setPartitionIndex(p.partition())
                .setErrorCode(p.hasLeader() ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                .setLeaderId(p.leader())
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas()))
                .setIsrNodes(new ArrayList<>(p.isr()))
                .setEligibleLeaderReplicas(new ArrayList<>())
                .setLastKnownElr(new ArrayList<>())
                .setOfflineReplicas(offline);
    }
}
