package io.vertebra.log.metadata;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * One change to the cluster metadata. The controller turns every admin command into records; the metadata log
 * (local file or Raft) orders and persists them; every broker applies them in order to
 * {@link MetadataImage#apply}. Records are stored as JSON lines, so adding a field with a default is a
 * compatible change; removing or renaming one is not.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = MetadataRecord.SetClusterId.class, name = "cluster-id"),
    @JsonSubTypes.Type(value = MetadataRecord.RegisterBroker.class, name = "register-broker"),
    @JsonSubTypes.Type(value = MetadataRecord.FenceBroker.class, name = "fence-broker"),
    @JsonSubTypes.Type(value = MetadataRecord.UnfenceBroker.class, name = "unfence-broker"),
    @JsonSubTypes.Type(value = MetadataRecord.UnregisterBroker.class, name = "unregister-broker"),
    @JsonSubTypes.Type(value = MetadataRecord.CreateTopic.class, name = "create-topic"),
    @JsonSubTypes.Type(value = MetadataRecord.DeleteTopic.class, name = "delete-topic"),
    @JsonSubTypes.Type(value = MetadataRecord.SetTopicConfigs.class, name = "topic-configs"),
    @JsonSubTypes.Type(value = MetadataRecord.AddPartitions.class, name = "add-partitions"),
    @JsonSubTypes.Type(value = MetadataRecord.ChangePartition.class, name = "change-partition"),
    @JsonSubTypes.Type(value = MetadataRecord.AllocateProducerIds.class, name = "producer-ids"),
    @JsonSubTypes.Type(value = MetadataRecord.SetBrokerConfigs.class, name = "broker-configs"),
    @JsonSubTypes.Type(value = MetadataRecord.SetNodeSecret.class, name = "node-secret")
})
public sealed interface MetadataRecord {
    /** The cluster id, written once when the cluster is formed. */
    record SetClusterId(String clusterId) implements MetadataRecord {}

    /** A broker (re)joins with its advertised endpoint; it is unfenced (may lead partitions). */
    record RegisterBroker(int id, String host, int port, String rack, long incarnation) implements MetadataRecord {}

    /** A broker stopped heartbeating or shut down: it leads nothing until it registers again. */
    record FenceBroker(int id) implements MetadataRecord {}

    /** A fenced broker is heard from again: it may lead partitions. */
    record UnfenceBroker(int id) implements MetadataRecord {}

    /** A broker is removed from the cluster (decommissioned). */
    record UnregisterBroker(int id) implements MetadataRecord {}

    /**
     * A new topic. {@code assignments} lists each partition's replicas, first the preferred leader; the
     * initial leader is the first live replica and the ISR the live replicas.
     */
    record CreateTopic(String name, String topicId, Map<String, String> configs, List<List<Integer>> assignments)
            implements MetadataRecord {}

    record DeleteTopic(String topicId) implements MetadataRecord {}

    /** Replaces the topic's own config overrides. */
    record SetTopicConfigs(String topicId, Map<String, String> configs) implements MetadataRecord {}

    /** New partitions appended to a topic, each with its replicas. */
    record AddPartitions(String topicId, List<List<Integer>> assignments) implements MetadataRecord {}

    /**
     * New leader, ISR or replica set of a partition. A leader change bumps the leader epoch; every change
     * bumps the partition epoch. {@code addingReplicas}/{@code removingReplicas} describe a reassignment in
     * progress (empty otherwise). When {@code expectedPartitionEpoch} is set, the change applies only if the
     * partition is still at that epoch (a stale proposal is dropped, the same way on every node).
     * {@code offlineReplicas} replaces the partition's offline replicas when set; null (and records written before
     * the field existed) leaves them as they are.
     */
    record ChangePartition(
            String topicId,
            int partition,
            List<Integer> replicas,
            List<Integer> isr,
            int leader,
            int leaderEpoch,
            List<Integer> addingReplicas,
            List<Integer> removingReplicas,
            Integer expectedPartitionEpoch,
            List<Integer> offlineReplicas)
            implements MetadataRecord {}

    /** A block of producer ids handed to a broker for InitProducerId. */
    record AllocateProducerIds(int brokerId, long firstId, int count) implements MetadataRecord {}

    /** Replaces the cluster-wide dynamic broker configs. */
    record SetBrokerConfigs(Map<String, String> configs) implements MetadataRecord {}

    /**
     * The secret of the node credential ({@code User:__vertebra_node}), written once by the first registration that
     * finds none; a second one (two registrations racing) is ignored, the same way on every node. Never printed.
     */
    record SetNodeSecret(String secret) implements MetadataRecord {
        @Override
        public String toString() {
            return "SetNodeSecret[secret=[hidden]]";
        }
    }
}
