package io.vertebra.runtime.apply;

import io.vertebra.runtime.cluster.TargetState;
import java.util.List;
import java.util.Map;

/**
 * What the cluster holds, as far as a plan needs it: the connectors and topics the documents or the inventories
 * name, and every apply set's inventory.
 */
public record ActualState(
        Map<String, Connector> connectors, Map<String, Topic> topics, Map<String, Inventory> inventories) {
    /**
     * A stored connector.
     *
     * @param config the raw stored config (unmasked: the plan masks what it shows)
     * @param offsets its offsets, read only when a document declares offsets for it; else null
     */
    public record Connector(Map<String, String> config, TargetState state, List<Map<String, Object>> offsets) {}

    /**
     * A topic.
     *
     * @param configs the configs set on the topic itself (not the broker's defaults)
     * @param records how many records it holds (end minus start offsets over its partitions): what pruning it loses
     */
    public record Topic(int partitions, short replicationFactor, Map<String, String> configs, long records) {
        public Topic(int partitions, short replicationFactor, Map<String, String> configs) {
            this(partitions, replicationFactor, configs, 0);
        }
    }

    public ActualState {
        connectors = Map.copyOf(connectors);
        topics = Map.copyOf(topics);
        inventories = Map.copyOf(inventories);
    }
}
