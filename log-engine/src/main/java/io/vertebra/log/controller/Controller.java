package io.vertebra.log.controller;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.config.LogConfig;
import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataRecord;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Turns admin commands (create/delete topics, add partitions, change configs, register brokers, hand out
 * producer ids) into metadata records after validating them against the current image, and appends them to
 * the metadata log. Commands run one at a time on the "controller" thread and each waits for its records to be
 * applied, so every validation sees the effects of the commands before it. Results come back as futures with
 * an {@link ApiError} per item, carrying the message the client will show.
 */
public final class Controller implements AutoCloseable {
    /**
     * Most partitions one request may create (Kafka's controller has the same bound on records per operation):
     * a garbage or mistyped count must not make the broker open millions of logs.
     */
    public static final int MAX_NEW_PARTITIONS_PER_REQUEST = 10_000;

    private final MetadataLog metadataLog;
    private final BrokerConfig brokerConfig;
    private final PartitionLimits partitionLimits;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "controller"));

    public Controller(MetadataLog metadataLog, BrokerConfig brokerConfig) {
        this.metadataLog = metadataLog;
        this.brokerConfig = brokerConfig;
        this.partitionLimits = PartitionLimits.from(brokerConfig);
    }

    public MetadataImage image() {
        return metadataLog.image();
    }

    public MetadataLog metadataLog() {
        return metadataLog;
    }

    private <T> CompletableFuture<T> run(Supplier<T> command) {
        return CompletableFuture.supplyAsync(command, thread);
    }

    private MetadataImage commit(List<MetadataRecord> records) {
        if (records.isEmpty()) {
            return metadataLog.image();
        }
        try {
            return metadataLog.append(records).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new org.apache.kafka.common.errors.NotControllerException(
                    "cannot commit metadata change: " + cause.getMessage());
        }
    }

    // ----------------------------------------------------------------------------------------- brokers

    /** Forms the cluster on first start (cluster id) and (re)registers {@code broker}. */
    public CompletableFuture<MetadataImage> registerBroker(BrokerImage broker, String wantedClusterId) {
        return run(() -> {
            List<MetadataRecord> records = new ArrayList<>();
            if (image().clusterId().isEmpty()) {
                String id = wantedClusterId == null || wantedClusterId.isBlank()
                        ? Uuid.randomUuid().toString()
                        : wantedClusterId;
                records.add(new MetadataRecord.SetClusterId(id));
            }
            records.add(new MetadataRecord.RegisterBroker(
                    broker.id(), broker.host(), broker.port(), broker.rack(), broker.incarnation()));
            return commit(records);
        });
    }

    public CompletableFuture<MetadataImage> fenceBroker(int brokerId) {
        return run(() -> commit(List.of(new MetadataRecord.FenceBroker(brokerId))));
    }

    // ------------------------------------------------------------------------------------------ topics

    /** Creates topics; the result maps each name to NONE or the error naming the problem. */
    public CompletableFuture<Map<String, ApiError>> createTopics(List<TopicSpec> specs, boolean validateOnly) {
        return run(() -> {
            Map<String, ApiError> results = new LinkedHashMap<>();
            List<MetadataRecord> records = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            MetadataImage image = image();
            int newPartitions = 0;
            PartitionLimits.Counts current = PartitionLimits.Counts.of(image);
            List<List<Integer>> added = new ArrayList<>();
            for (TopicSpec spec : specs) {
                try {
                    if (!seen.add(spec.name())) {
                        throw new InvalidRequestException("topic '" + spec.name() + "' appears twice in the request");
                    }
                    MetadataRecord.CreateTopic record = createTopicRecord(image, spec);
                    newPartitions += record.assignments().size();
                    checkNewPartitions(newPartitions, "this request");
                    int addedBefore = added.size();
                    added.addAll(record.assignments());
                    try {
                        partitionLimits.check(
                                current,
                                added,
                                "topic '" + spec.name() + "' with "
                                        + record.assignments().size() + " partitions");
                    } catch (ApiException e) {
                        added.subList(addedBefore, added.size()).clear();
                        throw e;
                    }
                    records.add(record);
                    results.put(spec.name(), ApiError.NONE);
                } catch (ApiException e) {
                    results.put(spec.name(), ApiError.fromThrowable(e));
                }
            }
            if (!validateOnly) {
                commit(records);
            }
            return results;
        });
    }

    private MetadataRecord.CreateTopic createTopicRecord(MetadataImage image, TopicSpec spec) {
        validateTopicName(spec.name());
        if (image.topic(spec.name()) != null) {
            throw new TopicExistsException("Topic '" + spec.name() + "' already exists.");
        }
        validateTopicConfigs(spec.configs());
        List<List<Integer>> assignments;
        if (!spec.assignments().isEmpty()) {
            if (spec.partitions() != -1 || spec.replicationFactor() != -1) {
                throw new InvalidRequestException("give either replica assignments or partition count and"
                        + " replication factor for topic '" + spec.name() + "', not both");
            }
            assignments = validateAssignments(image, spec.assignments(), -1);
        } else {
            int partitions =
                    spec.partitions() == -1 ? brokerConfig.getInt(BrokerConfig.NUM_PARTITIONS) : spec.partitions();
            short rf = spec.replicationFactor() == -1 ? defaultReplicationFactor(image) : spec.replicationFactor();
            if (partitions <= 0) {
                throw new InvalidPartitionsException("number of partitions must be larger than 0, got " + partitions);
            }
            if (rf <= 0) {
                throw new InvalidReplicationFactorException("replication factor must be larger than 0, got " + rf);
            }
            checkNewPartitions(partitions, "topic '" + spec.name() + "'");
            assignments = ReplicaPlacement.place(spec.name(), 0, partitions, rf, liveBrokerIds(image));
        }
        return new MetadataRecord.CreateTopic(spec.name(), Uuid.randomUuid().toString(), spec.configs(), assignments);
    }

    /** {@code default.replication.factor} when set, otherwise min(3, live brokers). */
    private short defaultReplicationFactor(MetadataImage image) {
        if (brokerConfig.originals().containsKey(BrokerConfig.DEFAULT_REPLICATION_FACTOR)) {
            return brokerConfig.getShort(BrokerConfig.DEFAULT_REPLICATION_FACTOR);
        }
        return (short) Math.max(1, Math.min(3, image.liveBrokers().size()));
    }

    private static void checkNewPartitions(int count, String what) {
        if (count > MAX_NEW_PARTITIONS_PER_REQUEST) {
            throw new PolicyViolationException("cannot create " + count + " partitions for " + what + ": at most "
                    + MAX_NEW_PARTITIONS_PER_REQUEST + " new partitions per request are allowed");
        }
    }

    private static List<Integer> liveBrokerIds(MetadataImage image) {
        List<Integer> ids = new ArrayList<>();
        for (BrokerImage b : image.liveBrokers()) {
            ids.add(b.id());
        }
        return ids;
    }

    private static List<List<Integer>> validateAssignments(
            MetadataImage image, List<List<Integer>> assignments, int expectedReplicationFactor) {
        int rf = expectedReplicationFactor;
        for (List<Integer> replicas : assignments) {
            if (replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException("a partition assignment lists no replica");
            }
            if (new HashSet<>(replicas).size() != replicas.size()) {
                throw new InvalidReplicaAssignmentException("replica assignment " + replicas + " repeats a broker");
            }
            for (int id : replicas) {
                if (!image.brokers().containsKey(id)) {
                    throw new InvalidReplicaAssignmentException(
                            "replica assignment " + replicas + " names broker " + id + ", which is not registered");
                }
            }
            if (rf == -1) {
                rf = replicas.size();
            } else if (replicas.size() != rf) {
                throw new InvalidReplicaAssignmentException("all partitions must have the same number of replicas");
            }
        }
        return assignments;
    }

    /** Kafka's topic-name rules (length, characters, not "." or ".."). */
    public static void validateTopicName(String name) {
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            throw new InvalidTopicException("invalid topic name '" + name + "': " + e.getMessage());
        }
    }

    /** Every key must be a topic config and every value valid for it; all problems are reported at once. */
    public void validateTopicConfigs(Map<String, String> configs) {
        List<String> problems = new ArrayList<>();
        for (String key : configs.keySet()) {
            if (!LogConfig.DEFINITION.names().contains(key)) {
                problems.add("unknown topic config name '" + key + "'");
            } else if (configs.get(key) == null) {
                problems.add("config '" + key + "' has a null value");
            }
        }
        if (problems.isEmpty()) {
            try {
                new LogConfig(configs, brokerConfig.topicDefaults());
            } catch (ConfigException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(String.join("; ", problems));
        }
    }

    public CompletableFuture<Map<String, ApiError>> deleteTopics(List<String> names) {
        return run(() -> {
            Map<String, ApiError> results = new LinkedHashMap<>();
            List<MetadataRecord> records = new ArrayList<>();
            MetadataImage image = image();
            for (String name : names) {
                TopicImage topic = image.topic(name);
                if (topic == null) {
                    results.put(
                            name,
                            new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist"));
                } else if (!brokerConfig.getBoolean(BrokerConfig.DELETE_TOPIC_ENABLE)) {
                    results.put(
                            name,
                            new ApiError(
                                    Errors.TOPIC_DELETION_DISABLED,
                                    "topic deletion is disabled (delete.topic.enable=false)"));
                } else {
                    records.add(new MetadataRecord.DeleteTopic(topic.id().toString()));
                    results.put(name, ApiError.NONE);
                }
            }
            commit(records);
            return results;
        });
    }

    /** CreatePartitions: grows a topic to {@code totalCount} partitions. */
    public CompletableFuture<ApiError> createPartitions(
            String name, int totalCount, List<List<Integer>> assignments, boolean validateOnly) {
        return run(() -> {
            try {
                MetadataImage image = image();
                TopicImage topic = image.topic(name);
                if (topic == null) {
                    throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
                }
                int current = topic.partitions().size();
                if (totalCount <= current) {
                    throw new InvalidPartitionsException("topic '" + name + "' has " + current
                            + " partitions; the new count " + totalCount + " must be larger");
                }
                checkNewPartitions(totalCount - current, "topic '" + name + "'");
                int rf = topic.partitions().get(0).replicas().size();
                List<List<Integer>> added;
                if (assignments != null && !assignments.isEmpty()) {
                    if (assignments.size() != totalCount - current) {
                        throw new InvalidReplicaAssignmentException("expected " + (totalCount - current)
                                + " assignments for the new partitions, got " + assignments.size());
                    }
                    added = validateAssignments(image, assignments, rf);
                } else {
                    added = ReplicaPlacement.place(name, current, totalCount - current, rf, liveBrokerIds(image));
                }
                partitionLimits.check(
                        PartitionLimits.Counts.of(image),
                        added,
                        (totalCount - current) + " more partitions for topic '" + name + "'");
                if (!validateOnly) {
                    commit(List.of(new MetadataRecord.AddPartitions(topic.id().toString(), added)));
                }
                return ApiError.NONE;
            } catch (ApiException e) {
                return ApiError.fromThrowable(e);
            }
        });
    }

    /** Replaces a topic's config overrides (already merged by the caller: legacy or incremental semantics). */
    public CompletableFuture<ApiError> setTopicConfigs(
            String name, Map<String, String> overrides, boolean validateOnly) {
        return run(() -> {
            try {
                TopicImage topic = image().topic(name);
                if (topic == null) {
                    throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
                }
                validateTopicConfigs(overrides);
                if (!validateOnly) {
                    commit(List.of(new MetadataRecord.SetTopicConfigs(topic.id().toString(), overrides)));
                }
                return ApiError.NONE;
            } catch (ApiException e) {
                return ApiError.fromThrowable(e);
            }
        });
    }

    /**
     * Changes a topic's config overrides as one step on the controller thread, so concurrent changes never lose
     * each other's updates: {@code change} maps the current overrides to the new ones (it may throw an
     * {@link ApiException} naming the problem), then the result is validated like {@link #validateTopicConfigs}.
     */
    public CompletableFuture<ApiError> alterTopicConfigs(
            String name, UnaryOperator<Map<String, String>> change, boolean validateOnly) {
        return run(() -> {
            try {
                TopicImage topic = image().topic(name);
                if (topic == null) {
                    throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
                }
                Map<String, String> overrides = change.apply(topic.configs());
                validateTopicConfigs(overrides);
                if (!validateOnly && !overrides.equals(topic.configs())) {
                    commit(List.of(new MetadataRecord.SetTopicConfigs(topic.id().toString(), overrides)));
                }
                return ApiError.NONE;
            } catch (ApiException e) {
                return ApiError.fromThrowable(e);
            }
        });
    }

    /**
     * Changes the cluster-wide dynamic broker configs as one step on the controller thread: {@code change} maps
     * the current ones to the new ones and validates them (throwing an {@link ApiException} naming the problem).
     */
    public CompletableFuture<ApiError> alterBrokerConfigs(
            UnaryOperator<Map<String, String>> change, boolean validateOnly) {
        return run(() -> {
            try {
                Map<String, String> current = image().brokerConfigs();
                Map<String, String> next = change.apply(current);
                if (!validateOnly && !next.equals(current)) {
                    commit(List.of(new MetadataRecord.SetBrokerConfigs(next)));
                }
                return ApiError.NONE;
            } catch (ApiException e) {
                return ApiError.fromThrowable(e);
            }
        });
    }

    /** Replaces the cluster-wide dynamic broker configs (validated by the caller). */
    public CompletableFuture<ApiError> setBrokerConfigs(Map<String, String> configs) {
        return run(() -> {
            commit(List.of(new MetadataRecord.SetBrokerConfigs(configs)));
            return ApiError.NONE;
        });
    }

    /**
     * ElectLeaders: PREFERRED (0) moves leadership to the first replica when it is alive and in sync; UNCLEAN
     * (1) gives an offline partition a leader from any live replica. {@code partitions} null means all.
     */
    public CompletableFuture<Map<TopicPartition, ApiError>> electLeaders(
            byte type, Collection<TopicPartition> partitions) {
        return run(() -> {
            MetadataImage image = image();
            Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
            List<MetadataRecord> records = new ArrayList<>();
            Collection<TopicPartition> wanted = partitions;
            if (wanted == null) {
                wanted = new ArrayList<>();
                for (TopicImage t : image.topics().values()) {
                    for (PartitionImage p : t.partitions()) {
                        wanted.add(new TopicPartition(t.name(), p.partition()));
                    }
                }
            }
            for (TopicPartition tp : wanted) {
                TopicImage topic = image.topic(tp.topic());
                PartitionImage p = topic == null ? null : topic.partition(tp.partition());
                if (p == null) {
                    results.put(tp, new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, tp + " does not exist"));
                    continue;
                }
                PartitionImage next;
                if (type == 0) {
                    if (p.leader() == p.replicas().get(0)) {
                        results.put(
                                tp,
                                new ApiError(
                                        Errors.ELECTION_NOT_NEEDED,
                                        "the preferred replica " + p.leader() + " already leads " + tp));
                        continue;
                    }
                    next = PartitionElections.preferred(image, p);
                    if (next == null) {
                        results.put(
                                tp,
                                new ApiError(
                                        Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                                        "preferred replica " + p.replicas().get(0) + " of " + tp
                                                + " is not alive and in sync"));
                        continue;
                    }
                } else {
                    if (p.leader() >= 0 && PartitionElections.isLive(image, p.leader(), Set.of(), Set.of())) {
                        results.put(tp, new ApiError(Errors.ELECTION_NOT_NEEDED, tp + " has a live leader"));
                        continue;
                    }
                    next = PartitionElections.elect(image, p, Set.of(), Set.of(), true);
                    if (next == null || next.leader() < 0) {
                        results.put(
                                tp, new ApiError(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, "no live replica of " + tp));
                        continue;
                    }
                }
                records.add(PartitionElections.change(topic, p, next));
                results.put(tp, ApiError.NONE);
            }
            commit(records);
            return results;
        });
    }

    /**
     * AlterPartitionReassignments: starts (target replicas) or cancels (empty optional) the reassignment of each
     * partition; the active controller completes it once the new replicas are in sync.
     */
    public CompletableFuture<Map<TopicPartition, ApiError>> reassign(
            Map<TopicPartition, java.util.Optional<List<Integer>>> targets) {
        return run(() -> {
            MetadataImage image = image();
            Map<TopicPartition, ApiError> results = new LinkedHashMap<>();
            List<MetadataRecord> records = new ArrayList<>();
            for (Map.Entry<TopicPartition, java.util.Optional<List<Integer>>> e : targets.entrySet()) {
                TopicPartition tp = e.getKey();
                TopicImage topic = image.topic(tp.topic());
                PartitionImage p = topic == null ? null : topic.partition(tp.partition());
                try {
                    if (p == null) {
                        throw new UnknownTopicOrPartitionException(tp + " does not exist");
                    }
                    PartitionImage next;
                    if (e.getValue().isEmpty()) {
                        next = Reassignments.cancel(image, p);
                        if (next == null) {
                            throw new org.apache.kafka.common.errors.NoReassignmentInProgressException(
                                    "no reassignment of " + tp + " is in progress");
                        }
                    } else {
                        List<Integer> target = e.getValue().get();
                        if (target.isEmpty()) {
                            throw new InvalidReplicaAssignmentException("the target replicas of " + tp + " are empty");
                        }
                        validateAssignments(image, List.of(target), -1);
                        next = Reassignments.start(p, target);
                        if (next == null) {
                            results.put(tp, ApiError.NONE);
                            continue;
                        }
                    }
                    records.add(PartitionElections.change(topic, p, next));
                    results.put(tp, ApiError.NONE);
                } catch (ApiException ex) {
                    results.put(tp, ApiError.fromThrowable(ex));
                }
            }
            commit(records);
            return results;
        });
    }

    /** A block of {@code count} producer ids for {@code brokerId}; returns the first. */
    public CompletableFuture<Long> allocateProducerIds(int brokerId, int count) {
        return run(() -> {
            long first = image().nextProducerId();
            commit(List.of(new MetadataRecord.AllocateProducerIds(brokerId, first, count)));
            return first;
        });
    }

    /** Changes one partition's leader, ISR or replicas (replication and reassignment use this). */
    public CompletableFuture<MetadataImage> changePartition(Uuid topicId, PartitionImage next) {
        return run(() -> commit(List.of(new MetadataRecord.ChangePartition(
                topicId.toString(),
                next.partition(),
                next.replicas(),
                next.isr(),
                next.leader(),
                next.leaderEpoch(),
                next.addingReplicas(),
                next.removingReplicas(),
                null))));
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
