package io.vertebra.log.group;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.controller.TopicSpec;
import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code __consumer_offsets} as the cluster sees it: which partition a group belongs to, which broker leads it
 * (the group's coordinator), and its creation on first use — compacted, {@code offsets.topic.num.partitions}
 * partitions, replication factor {@code offsets.topic.replication.factor} capped by the live brokers.
 * Thread-safe; called from network threads.
 */
public final class OffsetsTopic {
    private static final Logger log = LoggerFactory.getLogger(OffsetsTopic.class);

    private final Controller controller;
    private final GroupCoordinatorConfig config;
    private final AtomicReference<CompletableFuture<Void>> creation = new AtomicReference<>();

    public OffsetsTopic(Controller controller, GroupCoordinatorConfig config) {
        this.controller = controller;
        this.config = config;
    }

    /** Partitions of the topic: as created, or as configured while it does not exist yet. */
    public int partitionCount() {
        TopicImage topic = controller.image().topic(OffsetsTopicLog.TOPIC);
        return topic == null
                ? config.offsetsTopicPartitions()
                : topic.partitions().size();
    }

    /** The partition of {@code __consumer_offsets} that holds group {@code groupId}'s records. */
    static int partitionFor(String groupId, int partitionCount) {
        return Utils.abs(groupId.hashCode()) % partitionCount;
    }

    /**
     * The coordinator of group {@code groupId}: the leader of its partition, creating the topic first if needed.
     * Never fails: problems become COORDINATOR_NOT_AVAILABLE with a message (the client retries).
     */
    public CompletableFuture<Coordinator> coordinatorFor(String groupId) {
        if (controller.image().topic(OffsetsTopicLog.TOPIC) != null) {
            return CompletableFuture.completedFuture(lookup(controller.image(), groupId));
        }
        return ensureCreated()
                .thenApply(created -> lookup(controller.image(), groupId))
                .exceptionally(failure ->
                        notAvailable(groupId, "cannot create " + OffsetsTopicLog.TOPIC + ": " + rootMessage(failure)));
    }

    private Coordinator lookup(MetadataImage image, String groupId) {
        TopicImage topic = image.topic(OffsetsTopicLog.TOPIC);
        if (topic == null) {
            return notAvailable(groupId, OffsetsTopicLog.TOPIC + " does not exist yet");
        }
        int partition = partitionFor(groupId, topic.partitions().size());
        PartitionImage p = topic.partition(partition);
        BrokerImage leader =
                p == null || !p.hasLeader() ? null : image.brokers().get(p.leader());
        if (leader == null || leader.fenced()) {
            return notAvailable(
                    groupId, "partition " + partition + " of " + OffsetsTopicLog.TOPIC + " has no live leader");
        }
        return new Coordinator()
                .setKey(groupId)
                .setNodeId(leader.id())
                .setHost(leader.host())
                .setPort(leader.port())
                .setErrorCode(Errors.NONE.code());
    }

    static Coordinator notAvailable(String key, String message) {
        return new Coordinator()
                .setKey(key)
                .setNodeId(-1)
                .setHost("")
                .setPort(-1)
                .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                .setErrorMessage(message);
    }

    private CompletableFuture<Void> ensureCreated() {
        CompletableFuture<Void> running = creation.get();
        if (running != null && !running.isDone()) {
            return running; // one creation at a time; a finished one means the topic was deleted since
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (!creation.compareAndSet(running, mine)) {
            return creation.get();
        }
        MetadataImage image = controller.image();
        short replicationFactor = (short) Math.max(
                1,
                Math.min(
                        config.offsetsTopicReplicationFactor(),
                        image.liveBrokers().size()));
        TopicSpec spec = new TopicSpec(
                OffsetsTopicLog.TOPIC,
                config.offsetsTopicPartitions(),
                replicationFactor,
                List.of(),
                Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.SEGMENT_BYTES_CONFIG,
                        Integer.toString(config.offsetsTopicSegmentBytes()),
                        TopicConfig.COMPRESSION_TYPE_CONFIG,
                        "producer"));
        log.info(
                "creating {} with {} partitions, replication factor {}",
                OffsetsTopicLog.TOPIC,
                config.offsetsTopicPartitions(),
                replicationFactor);
        controller.createTopics(List.of(spec), false).whenComplete((results, failure) -> {
            ApiError result = results == null ? null : results.get(OffsetsTopicLog.TOPIC);
            if (failure != null) {
                mine.completeExceptionally(failure);
            } else if (result != null && result.isFailure() && result.error() != Errors.TOPIC_ALREADY_EXISTS) {
                mine.completeExceptionally(result.exception());
            } else {
                mine.complete(null);
            }
        });
        return mine;
    }

    private static String rootMessage(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
