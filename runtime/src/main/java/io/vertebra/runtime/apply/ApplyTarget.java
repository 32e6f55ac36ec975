package io.vertebra.runtime.apply;

import io.vertebra.runtime.cluster.TargetState;
import java.util.List;
import java.util.Map;

/**
 * The one impure edge of apply: reads the actual state and makes each change. {@link ClusterTarget} is the Connect
 * cluster and its Kafka cluster; tests use an in-memory twin. Every method blocks until the change is durable and
 * throws when it failed, with a message naming the object.
 */
public interface ApplyTarget {
    /** The connectors and topics the documents or any inventory name, and every inventory. */
    ActualState read(DesiredState desired);

    void createTopic(TopicSpec spec);

    void addPartitions(String topic, int total);

    void alterTopicConfigs(String topic, Map<String, String> set, List<String> reset);

    void deleteTopic(String topic);

    /** Creates the connector in {@code initial} state, or replaces its config when {@code initial} is null. */
    void putConnector(String name, Map<String, String> config, TargetState initial);

    void setState(String name, TargetState state);

    void alterOffsets(String name, List<Map<String, Object>> offsets);

    void deleteConnector(String name);

    void writeInventory(String set, Inventory inventory);
}
