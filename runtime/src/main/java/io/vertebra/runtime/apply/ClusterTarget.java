package io.vertebra.runtime.apply;

import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.service.ConnectService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The Connect cluster ({@link ConnectService}: the same writes as the REST API, validated the same way) and its Kafka
 * cluster (topics through the Admin client) as an {@link ApplyTarget}.
 */
public final class ClusterTarget implements ApplyTarget {
    private static final long TIMEOUT_S = 60;

    private final ConnectService connect;
    private final Admin admin;
    private final InventoryStore inventories;

    public ClusterTarget(ConnectService connect, Admin admin, InventoryStore inventories) {
        this.connect = connect;
        this.admin = admin;
        this.inventories = inventories;
    }

    @Override
    public ActualState read(DesiredState desired) {
        Map<String, Inventory> owned = inventories.readAll();
        Map<String, ActualState.Connector> connectors = new HashMap<>();
        Set<String> offsetsWanted = new HashSet<>();
        desired.connectors().forEach(c -> {
            if (c.offsets() != null) {
                offsetsWanted.add(c.name());
            }
        });
        for (String name : connect.connectors()) {
            Optional<Map<String, String>> config = connect.rawConfig(name);
            if (config.isEmpty()) {
                continue; // deleted meanwhile
            }
            TargetState state = connect.targetState(name);
            List<Map<String, Object>> offsets = offsetsWanted.contains(name) ? connect.offsets(name) : null;
            connectors.put(name, new ActualState.Connector(config.get(), state, offsets));
        }
        Set<String> topicNames = new HashSet<>();
        desired.topics().forEach(t -> topicNames.add(t.name()));
        owned.values().forEach(i -> topicNames.addAll(i.topics()));
        return new ActualState(connectors, topics(topicNames), owned);
    }

    private Map<String, ActualState.Topic> topics(Set<String> names) {
        Map<String, ActualState.Topic> out = new HashMap<>();
        if (names.isEmpty()) {
            return out;
        }
        Set<String> existing = new HashSet<>(get(admin.listTopics().names(), "list topics"));
        existing.retainAll(names);
        if (existing.isEmpty()) {
            return out;
        }
        Map<String, TopicDescription> descriptions =
                get(admin.describeTopics(existing).allTopicNames(), "describe topics " + existing);
        List<ConfigResource> resources = new ArrayList<>();
        existing.forEach(t -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t)));
        Map<ConfigResource, Config> configs =
                get(admin.describeConfigs(resources).all(), "describe the configs of topics " + existing);
        for (String name : existing) {
            TopicDescription d = descriptions.get(name);
            Map<String, String> own = new HashMap<>();
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            if (config != null) {
                for (ConfigEntry e : config.entries()) {
                    if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && e.value() != null) {
                        own.put(e.name(), e.value());
                    }
                }
            }
            short rf = d.partitions().isEmpty()
                    ? 0
                    : (short) d.partitions().get(0).replicas().size();
            out.put(name, new ActualState.Topic(d.partitions().size(), rf, own, records(d)));
        }
        return out;
    }

    /** End minus start offset over the topic's partitions: how many records deleting it loses. */
    private long records(TopicDescription d) {
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        d.partitions().forEach(p -> {
            earliest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.earliest());
            latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
        });
        var starts = get(admin.listOffsets(earliest).all(), "list the start offsets of topic " + d.name());
        var ends = get(admin.listOffsets(latest).all(), "list the end offsets of topic " + d.name());
        long records = 0;
        for (var e : ends.entrySet()) {
            ListOffsetsResultInfo start = starts.get(e.getKey());
            records += Math.max(0, e.getValue().offset() - (start == null ? 0 : start.offset()));
        }
        return records;
    }

    @Override
    public void createTopic(TopicSpec spec) {
        NewTopic topic = new NewTopic(
                        spec.name(),
                        Optional.ofNullable(spec.partitions()),
                        Optional.ofNullable(spec.replicationFactor()))
                .configs(spec.configs());
        get(admin.createTopics(List.of(topic)).all(), "create topic " + spec.name());
    }

    @Override
    public void addPartitions(String topic, int total) {
        get(
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(total)))
                        .all(),
                "add partitions to topic " + topic);
    }

    @Override
    public void alterTopicConfigs(String topic, Map<String, String> set, List<String> reset) {
        List<AlterConfigOp> ops = new ArrayList<>();
        set.forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
        reset.forEach(k -> ops.add(new AlterConfigOp(new ConfigEntry(k, null), AlterConfigOp.OpType.DELETE)));
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        get(admin.incrementalAlterConfigs(Map.of(resource, ops)).all(), "alter the configs of topic " + topic);
    }

    @Override
    public void deleteTopic(String topic) {
        get(admin.deleteTopics(List.of(topic)).all(), "delete topic " + topic);
    }

    @Override
    public void putConnector(String name, Map<String, String> config, TargetState initial) {
        if (initial != null) {
            connect.create(name, config, initial);
        } else {
            connect.put(name, config);
        }
    }

    @Override
    public void setState(String name, TargetState state) {
        connect.setTargetState(name, state);
    }

    @Override
    public void alterOffsets(String name, List<Map<String, Object>> offsets) {
        connect.alterOffsets(name, offsets);
    }

    @Override
    public void deleteConnector(String name) {
        connect.delete(name);
    }

    @Override
    public void writeInventory(String set, Inventory inventory) {
        inventories.write(set, inventory);
    }

    private static <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted: " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ConnectException("cannot " + what + ": " + cause.getMessage(), cause);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ConnectException("cannot " + what + ": no answer from Kafka within " + TIMEOUT_S + " s", e);
        }
    }
}
