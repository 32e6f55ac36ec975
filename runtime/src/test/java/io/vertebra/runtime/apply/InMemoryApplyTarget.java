package io.vertebra.runtime.apply;

import io.vertebra.runtime.cluster.TargetState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The in-memory twin of {@link ClusterTarget}: connectors, topics and inventories in maps, every call recorded. */
final class InMemoryApplyTarget implements ApplyTarget {
    final Map<String, ActualState.Connector> connectors = new HashMap<>();
    final Map<String, ActualState.Topic> topics = new HashMap<>();
    final InMemoryInventoryStore inventories = new InMemoryInventoryStore();
    final List<String> calls = new ArrayList<>();
    String failOn;

    private void call(String what) {
        if (what.equals(failOn)) {
            throw new IllegalStateException("cannot " + what);
        }
        calls.add(what);
    }

    @Override
    public ActualState read(DesiredState desired) {
        return new ActualState(connectors, topics, inventories.readAll());
    }

    @Override
    public void createTopic(TopicSpec spec) {
        call("create topic " + spec.name());
        topics.put(
                spec.name(),
                new ActualState.Topic(
                        spec.partitions() == null ? 1 : spec.partitions(),
                        spec.replicationFactor() == null ? 1 : spec.replicationFactor(),
                        spec.configs()));
    }

    @Override
    public void addPartitions(String topic, int total) {
        call("add partitions " + topic);
        ActualState.Topic t = topics.get(topic);
        topics.put(topic, new ActualState.Topic(total, t.replicationFactor(), t.configs()));
    }

    @Override
    public void alterTopicConfigs(String topic, Map<String, String> set, List<String> reset) {
        call("alter topic " + topic);
        ActualState.Topic t = topics.get(topic);
        Map<String, String> configs = new HashMap<>(t.configs());
        configs.putAll(set);
        reset.forEach(configs::remove);
        topics.put(topic, new ActualState.Topic(t.partitions(), t.replicationFactor(), configs));
    }

    @Override
    public void deleteTopic(String topic) {
        call("delete topic " + topic);
        topics.remove(topic);
    }

    @Override
    public void putConnector(String name, Map<String, String> config, TargetState initial) {
        call((initial == null ? "update " : "create ") + name);
        TargetState state = initial != null ? initial : connectors.get(name).state();
        connectors.put(name, new ActualState.Connector(config, state, null));
    }

    @Override
    public void setState(String name, TargetState state) {
        call("state " + name + " " + state);
        ActualState.Connector c = connectors.get(name);
        connectors.put(name, new ActualState.Connector(c.config(), state, c.offsets()));
    }

    @Override
    public void alterOffsets(String name, List<Map<String, Object>> offsets) {
        call("offsets " + name);
        ActualState.Connector c = connectors.get(name);
        connectors.put(name, new ActualState.Connector(c.config(), c.state(), offsets));
    }

    @Override
    public void deleteConnector(String name) {
        call("delete " + name);
        connectors.remove(name);
    }

    @Override
    public void writeInventory(String set, Inventory inventory) {
        inventories.write(set, inventory);
    }
}
