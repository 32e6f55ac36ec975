package io.vertebra.log.metadata;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The cluster metadata at one point of the metadata log: immutable, so readers (request handlers on any thread)
 * take the current image with one volatile read and never see a half-applied change. {@link #apply} is a pure
 * function: the same records in the same order give the same image on every node — the state machine that
 * the local metadata log and the Raft log both drive.
 */
public final class MetadataImage {
    public static final MetadataImage EMPTY =
            new MetadataImage(-1, "", Map.of(), Map.of(), Map.of(), 0, Map.of(), null);

    private final long offset;
    private final String clusterId;
    private final Map<Integer, BrokerImage> brokers;
    private final Map<String, TopicImage> topicsByName;
    private final Map<Uuid, TopicImage> topicsById;
    private final long nextProducerId;
    private final Map<String, String> brokerConfigs;
    private final String nodeSecret;

    private MetadataImage(
            long offset,
            String clusterId,
            Map<Integer, BrokerImage> brokers,
            Map<String, TopicImage> topicsByName,
            Map<Uuid, TopicImage> topicsById,
            long nextProducerId,
            Map<String, String> brokerConfigs,
            String nodeSecret) {
        this.offset = offset;
        this.clusterId = clusterId;
        this.brokers = brokers;
        this.topicsByName = topicsByName;
        this.topicsById = topicsById;
        this.nextProducerId = nextProducerId;
        this.brokerConfigs = brokerConfigs;
        this.nodeSecret = nodeSecret;
    }

    /** The index of the last metadata record applied (-1: none). */
    public long offset() {
        return offset;
    }

    public String clusterId() {
        return clusterId;
    }

    public Map<Integer, BrokerImage> brokers() {
        return brokers;
    }

    public List<BrokerImage> liveBrokers() {
        List<BrokerImage> live = new ArrayList<>();
        for (BrokerImage b : brokers.values()) {
            if (!b.fenced()) {
                live.add(b);
            }
        }
        return live;
    }

    public Map<String, TopicImage> topics() {
        return topicsByName;
    }

    public TopicImage topic(String name) {
        return topicsByName.get(name);
    }

    public TopicImage topic(Uuid id) {
        return topicsById.get(id);
    }

    public long nextProducerId() {
        return nextProducerId;
    }

    public Map<String, String> brokerConfigs() {
        return brokerConfigs;
    }

    /** The secret of the node credential (see {@code NodeCredential}), or null before the cluster formed. */
    public String nodeSecret() {
        return nodeSecret;
    }

    /** The same image, recorded as of metadata log index {@code offset} (an entry that changed nothing). */
    public MetadataImage withOffset(long newOffset) {
        return new MetadataImage(
                newOffset, clusterId, brokers, topicsByName, topicsById, nextProducerId, brokerConfigs, nodeSecret);
    }

    /** The image after {@code record}, the record at index {@code recordOffset} of the metadata log. */
    public MetadataImage apply(MetadataRecord record, long recordOffset) {
        Builder b = new Builder(this);
        b.offset = recordOffset;
        if (record instanceof MetadataRecord.SetClusterId r) {
            b.clusterId = r.clusterId();
        } else if (record instanceof MetadataRecord.RegisterBroker r) {
            b.brokers().put(r.id(), new BrokerImage(r.id(), r.host(), r.port(), r.rack(), false, r.incarnation()));
        } else if (record instanceof MetadataRecord.FenceBroker r) {
            BrokerImage old = brokers.get(r.id());
            if (old != null) {
                b.brokers()
                        .put(
                                r.id(),
                                new BrokerImage(old.id(), old.host(), old.port(), old.rack(), true, old.incarnation()));
            }
        } else if (record instanceof MetadataRecord.UnfenceBroker r) {
            BrokerImage old = brokers.get(r.id());
            if (old != null) {
                b.brokers()
                        .put(
                                r.id(),
                                new BrokerImage(
                                        old.id(), old.host(), old.port(), old.rack(), false, old.incarnation()));
            }
        } else if (record instanceof MetadataRecord.UnregisterBroker r) {
            b.brokers().remove(r.id());
        } else if (record instanceof MetadataRecord.CreateTopic r) {
            if (topicsByName.containsKey(r.name())) {
                return b.build(); // a concurrent creation won; deterministic no-op
            }
            Uuid id = Uuid.fromString(r.topicId());
            List<PartitionImage> partitions = new ArrayList<>();
            for (List<Integer> replicas : r.assignments()) {
                partitions.add(initialPartition(partitions.size(), replicas));
            }
            b.putTopic(new TopicImage(r.name(), id, partitions, r.configs()));
        } else if (record instanceof MetadataRecord.DeleteTopic r) {
            TopicImage topic = topicsById.get(Uuid.fromString(r.topicId()));
            if (topic != null) {
                b.byName().remove(topic.name());
                b.byId().remove(topic.id());
            }
        } else if (record instanceof MetadataRecord.SetTopicConfigs r) {
            TopicImage t = topicsById.get(Uuid.fromString(r.topicId()));
            if (t != null) {
                b.putTopic(new TopicImage(t.name(), t.id(), t.partitions(), r.configs()));
            }
        } else if (record instanceof MetadataRecord.AddPartitions r) {
            TopicImage t = topicsById.get(Uuid.fromString(r.topicId()));
            if (t != null) {
                List<PartitionImage> partitions = new ArrayList<>(t.partitions());
                for (List<Integer> replicas : r.assignments()) {
                    partitions.add(initialPartition(partitions.size(), replicas));
                }
                b.putTopic(new TopicImage(t.name(), t.id(), partitions, t.configs()));
            }
        } else if (record instanceof MetadataRecord.ChangePartition r) {
            TopicImage t = topicsById.get(Uuid.fromString(r.topicId()));
            PartitionImage current = t == null ? null : t.partition(r.partition());
            if (current != null
                    && (r.expectedPartitionEpoch() == null || r.expectedPartitionEpoch() == current.partitionEpoch())) {
                PartitionImage old = current;
                List<PartitionImage> partitions = new ArrayList<>(t.partitions());
                partitions.set(
                        r.partition(),
                        new PartitionImage(
                                r.partition(),
                                r.replicas(),
                                r.isr(),
                                r.leader(),
                                r.leaderEpoch(),
                                old.partitionEpoch() + 1,
                                r.addingReplicas(),
                                r.removingReplicas(),
                                r.offlineReplicas() == null ? old.offlineReplicas() : r.offlineReplicas()));
                b.putTopic(new TopicImage(t.name(), t.id(), partitions, t.configs()));
            }
        } else if (record instanceof MetadataRecord.AllocateProducerIds r) {
            b.nextProducerId = Math.max(nextProducerId, r.firstId() + r.count());
        } else if (record instanceof MetadataRecord.SetBrokerConfigs r) {
            b.brokerConfigs = Map.copyOf(r.configs());
        } else if (record instanceof MetadataRecord.SetNodeSecret r) {
            if (nodeSecret == null) {
                b.nodeSecret = r.secret();
            }
        }
        return b.build();
    }

    private PartitionImage initialPartition(int index, List<Integer> replicas) {
        List<Integer> live = new ArrayList<>();
        for (int replica : replicas) {
            BrokerImage broker = brokers.get(replica);
            if (broker != null && !broker.fenced()) {
                live.add(replica);
            }
        }
        int leader = live.isEmpty() ? -1 : live.get(0);
        return new PartitionImage(
                index, replicas, live.isEmpty() ? replicas : live, leader, 0, 0, List.of(), List.of(), List.of());
    }

    /** Copy-on-write builder: maps are copied only when a record changes them. */
    private static final class Builder {
        final MetadataImage base;
        long offset;
        String clusterId;
        Map<Integer, BrokerImage> brokers;
        Map<String, TopicImage> byName;
        Map<Uuid, TopicImage> byId;
        long nextProducerId;
        Map<String, String> brokerConfigs;
        String nodeSecret;

        Builder(MetadataImage base) {
            this.base = base;
            this.clusterId = base.clusterId;
            this.nextProducerId = base.nextProducerId;
            this.brokerConfigs = base.brokerConfigs;
            this.nodeSecret = base.nodeSecret;
        }

        Map<Integer, BrokerImage> brokers() {
            if (brokers == null) {
                brokers = new TreeMap<>(base.brokers);
            }
            return brokers;
        }

        Map<String, TopicImage> byName() {
            if (byName == null) {
                byName = new LinkedHashMap<>(base.topicsByName);
            }
            return byName;
        }

        Map<Uuid, TopicImage> byId() {
            if (byId == null) {
                byId = new HashMap<>(base.topicsById);
            }
            return byId;
        }

        void putTopic(TopicImage topic) {
            byName().put(topic.name(), topic);
            byId().put(topic.id(), topic);
        }

        MetadataImage build() {
            return new MetadataImage(
                    offset,
                    clusterId,
                    brokers == null ? base.brokers : Collections.unmodifiableMap(brokers),
                    byName == null ? base.topicsByName : Collections.unmodifiableMap(byName),
                    byId == null ? base.topicsById : Collections.unmodifiableMap(byId),
                    nextProducerId,
                    brokerConfigs,
                    nodeSecret);
        }
    }

    /** The whole image as plain data, for snapshots (exact: epochs included). */
    public Snapshot toSnapshot() {
        return new Snapshot(
                offset,
                clusterId,
                List.copyOf(brokers.values()),
                List.copyOf(topicsByName.values()),
                nextProducerId,
                brokerConfigs,
                nodeSecret);
    }

    public static MetadataImage fromSnapshot(Snapshot s) {
        Map<Integer, BrokerImage> brokers = new TreeMap<>();
        s.brokers().forEach(b -> brokers.put(b.id(), b));
        Map<String, TopicImage> byName = new LinkedHashMap<>();
        Map<Uuid, TopicImage> byId = new HashMap<>();
        for (TopicImage t : s.topics()) {
            byName.put(t.name(), t);
            byId.put(t.id(), t);
        }
        return new MetadataImage(
                s.offset(),
                s.clusterId(),
                Collections.unmodifiableMap(brokers),
                Collections.unmodifiableMap(byName),
                Collections.unmodifiableMap(byId),
                s.nextProducerId(),
                Map.copyOf(s.brokerConfigs()),
                s.nodeSecret());
    }

    /**
     * Plain-data form of an image, written as JSON by the metadata logs. {@code nodeSecret} is absent (null) in
     * snapshots written before it existed; the next registration then adds one.
     */
    public record Snapshot(
            long offset,
            String clusterId,
            List<BrokerImage> brokers,
            List<TopicImage> topics,
            long nextProducerId,
            Map<String, String> brokerConfigs,
            String nodeSecret) {
        @Override
        public String toString() {
            return "Snapshot[offset=" + offset + ", clusterId=" + clusterId + ", brokers=" + brokers.size()
                    + ", topics=" + topics.size() + ", nodeSecret=[hidden]]";
        }
    }
}
