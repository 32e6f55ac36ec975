package io.vertebra.log;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.internal.PlatformDependent;
import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.config.BrokerLimits;
import io.vertebra.log.controller.ClusterSupervisor;
import io.vertebra.log.controller.Controller;
import io.vertebra.log.controller.ControllerSecurity;
import io.vertebra.log.controller.LocalMetadataLog;
import io.vertebra.log.controller.MetadataLog;
import io.vertebra.log.controller.PartitionElections;
import io.vertebra.log.controller.RaftMetadataLog;
import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.metrics.BrokerMetrics;
import io.vertebra.log.network.KafkaListener;
import io.vertebra.log.network.ListenerLimits;
import io.vertebra.log.producer.ProducerIds;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.protocol.handler.AlterConfigsHandler;
import io.vertebra.log.protocol.handler.AlterPartitionReassignmentsHandler;
import io.vertebra.log.protocol.handler.ApiVersionsHandler;
import io.vertebra.log.protocol.handler.BrokerConfigsDescriber;
import io.vertebra.log.protocol.handler.ConfigAlterations;
import io.vertebra.log.protocol.handler.CreatePartitionsHandler;
import io.vertebra.log.protocol.handler.CreateTopicsHandler;
import io.vertebra.log.protocol.handler.DeleteRecordsHandler;
import io.vertebra.log.protocol.handler.DeleteTopicsHandler;
import io.vertebra.log.protocol.handler.DescribeClusterHandler;
import io.vertebra.log.protocol.handler.DescribeConfigsHandler;
import io.vertebra.log.protocol.handler.DescribeLogDirsHandler;
import io.vertebra.log.protocol.handler.DescribeProducersHandler;
import io.vertebra.log.protocol.handler.DescribeTopicPartitionsHandler;
import io.vertebra.log.protocol.handler.DynamicBrokerConfigs;
import io.vertebra.log.protocol.handler.ElectLeadersHandler;
import io.vertebra.log.protocol.handler.FetchHandler;
import io.vertebra.log.protocol.handler.FetchSessions;
import io.vertebra.log.protocol.handler.GroupHandlers;
import io.vertebra.log.protocol.handler.IncrementalAlterConfigsHandler;
import io.vertebra.log.protocol.handler.InitProducerIdHandler;
import io.vertebra.log.protocol.handler.ListOffsetsHandler;
import io.vertebra.log.protocol.handler.ListPartitionReassignmentsHandler;
import io.vertebra.log.protocol.handler.MetadataHandler;
import io.vertebra.log.protocol.handler.OffsetForLeaderEpochHandler;
import io.vertebra.log.protocol.handler.ProduceHandler;
import io.vertebra.log.protocol.handler.SaslAuthenticateHandler;
import io.vertebra.log.protocol.handler.SaslHandshakeHandler;
import io.vertebra.log.protocol.handler.TopicConfigsDescriber;
import io.vertebra.log.replication.DelayedOperations;
import io.vertebra.log.replication.IsrTracker;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.replication.ReplicaFetchTracker;
import io.vertebra.log.replication.ReplicaFetchers;
import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.storage.LogDirectory;
import io.vertebra.log.storage.clean.LogCleaner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka-protocol broker: storage, the Kafka listener, the request handlers and the metadata it follows.
 * This class only wires the parts together; {@link #start} returns once the listener accepts clients and the
 * broker is registered in the cluster metadata.
 */
public final class Broker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final MeterRegistry registry;
    private final boolean ownRegistry;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private KafkaListener listener;
    private Controller controller;
    private Partitions partitions;
    private RaftMetadataLog raftLog;
    private ClusterSupervisor supervisor;
    private java.util.concurrent.ScheduledExecutorService heartbeats;

    private Broker(BrokerConfig config, MeterRegistry registry, boolean ownRegistry) {
        this.config = config;
        this.registry = registry;
        this.ownRegistry = ownRegistry;
    }

    /** Starts a broker whose meters live in a registry of its own (not exported anywhere). */
    public static Broker start(Map<String, String> settings) throws IOException {
        return start(settings, new SimpleMeterRegistry(), true);
    }

    /**
     * Starts a broker that registers its meters ({@code vertebra.broker.*}, see docs/metrics.md) in
     * {@code registry}, which may be shared with other components; closing the broker removes exactly its meters
     * and leaves the registry open.
     */
    public static Broker start(Map<String, String> settings, MeterRegistry registry) throws IOException {
        return start(settings, registry, false);
    }

    private static Broker start(Map<String, String> settings, MeterRegistry registry, boolean ownRegistry)
            throws IOException {
        Broker broker = new Broker(new BrokerConfig(settings), registry, ownRegistry);
        try {
            broker.startParts();
            return broker;
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            broker.close();
            throw new IOException("interrupted while starting the broker", e);
        }
    }

    private void startParts() throws IOException, InterruptedException {
        Time time = Time.SYSTEM;
        int nodeId = config.nodeId();
        ListenerSecurity security = ListenerSecurity.from(config);
        ControllerSecurity controllerSecurity = ControllerSecurity.from(config, security);
        BrokerMetrics metrics = new BrokerMetrics(registry);
        parts.add(metrics);
        LogDirectory logDirectory = new LogDirectory(config.logDir(), time);
        parts.add(logDirectory);
        String quorum = config.getString(BrokerConfig.CONTROLLER_QUORUM).trim();
        MetadataLog metadataLog;
        if (quorum.isEmpty()) {
            metadataLog = new LocalMetadataLog(config.metadataDir());
        } else {
            raftLog = new RaftMetadataLog(
                    nodeId,
                    RaftMetadataLog.parseVoters(quorum),
                    config.metadataDir(),
                    controllerSecurity,
                    config.getInt(BrokerConfig.CONTROLLER_ELECTION_TIMEOUT_MS));
            metadataLog = raftLog;
        }
        parts.add(metadataLog);
        controller = new Controller(metadataLog, config);
        parts.add(controller);
        partitions = new Partitions(nodeId, config, logDirectory, time);
        partitions.addRoleListener(metrics.topics());
        ReplicaFetchers fetchers = null;
        if (raftLog != null) {
            fetchers = new ReplicaFetchers(
                    nodeId,
                    partitions,
                    config.getInt(BrokerConfig.REPLICA_FETCH_WAIT_MAX_MS),
                    config.getInt(BrokerConfig.REPLICA_FETCH_MAX_BYTES),
                    security);
            partitions.addRoleListener(fetchers);
            parts.add(fetchers);
        }
        metrics.registerPartitions(partitions, fetchers, () -> activeController(nodeId));
        metadataLog.start(partitions);
        if (raftLog != null) {
            supervisor = new ClusterSupervisor(
                    nodeId,
                    raftLog,
                    time,
                    config.getInt(BrokerConfig.BROKER_SESSION_TIMEOUT_MS),
                    config.getInt(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS));
            supervisor.setUncleanElectionPolicy(
                    topic -> partitions.logConfig(topic).uncleanLeaderElection());
            raftLog.setSupervisor(supervisor);
            supervisor.start();
            parts.add(supervisor);
            IsrTracker isrTracker = new IsrTracker(
                    nodeId, partitions, metadataLog, time, config.getLong(BrokerConfig.REPLICA_LAG_TIME_MAX_MS));
            isrTracker.start(100);
            parts.add(isrTracker);
        }
        DelayedOperations delayed = new DelayedOperations();
        parts.add(delayed);

        RequestDispatcher dispatcher = new RequestDispatcher();
        TopicConfigsDescriber topicConfigs = new TopicConfigsDescriber(partitions, config);
        ApiVersionsHandler apiVersions = new ApiVersionsHandler(
                dispatcher::supportedApis, () -> controller.image().offset());
        dispatcher.register(ApiKeys.API_VERSIONS, apiVersions);
        java.util.function.IntSupplier controllerId = () -> raftLog == null ? nodeId : raftLog.leaderId();
        dispatcher.register(ApiKeys.METADATA, new MetadataHandler(controller, config, controllerId));
        dispatcher.register(ApiKeys.PRODUCE, new ProduceHandler(partitions, delayed, time, metrics.topics()));
        dispatcher.register(
                ApiKeys.FETCH,
                new FetchHandler(
                        partitions, delayed, new FetchSessions(time), new ReplicaFetchTracker(time), metrics.topics()));
        dispatcher.register(ApiKeys.LIST_OFFSETS, new ListOffsetsHandler(partitions));
        dispatcher.register(ApiKeys.CREATE_TOPICS, new CreateTopicsHandler(controller, topicConfigs));
        dispatcher.register(ApiKeys.ELECT_LEADERS, new ElectLeadersHandler(controller));
        dispatcher.register(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, new AlterPartitionReassignmentsHandler(controller));
        dispatcher.register(ApiKeys.LIST_PARTITION_REASSIGNMENTS, new ListPartitionReassignmentsHandler(controller));
        dispatcher.register(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdHandler(new ProducerIds(controller, nodeId)));
        GroupCoordinator groupCoordinator = GroupCoordinator.start(config, partitions, controller, delayed, time);
        parts.add(groupCoordinator);
        GroupHandlers.register(dispatcher, groupCoordinator);
        DynamicBrokerConfigs dynamicConfigs = new DynamicBrokerConfigs(config);
        ConfigAlterations configAlterations = new ConfigAlterations(controller, partitions, dynamicConfigs);
        dispatcher.register(ApiKeys.DELETE_TOPICS, new DeleteTopicsHandler(controller, config));
        dispatcher.register(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsHandler(controller));
        dispatcher.register(
                ApiKeys.DESCRIBE_CONFIGS,
                new DescribeConfigsHandler(
                        controller, topicConfigs, new BrokerConfigsDescriber(config), dynamicConfigs));
        dispatcher.register(ApiKeys.ALTER_CONFIGS, new AlterConfigsHandler(configAlterations));
        dispatcher.register(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsHandler(configAlterations));
        dispatcher.register(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterHandler(controller, controllerId));
        dispatcher.register(ApiKeys.DELETE_RECORDS, new DeleteRecordsHandler(partitions));
        dispatcher.register(ApiKeys.DESCRIBE_LOG_DIRS, new DescribeLogDirsHandler(partitions, logDirectory.path()));
        dispatcher.register(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochHandler(partitions));
        dispatcher.register(ApiKeys.DESCRIBE_PRODUCERS, new DescribeProducersHandler(partitions));
        dispatcher.register(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, new DescribeTopicPartitionsHandler(controller));
        dispatcher.register(
                ApiKeys.SASL_HANDSHAKE,
                new SaslHandshakeHandler(
                        security.sasl() ? config.getList(BrokerConfig.SASL_ENABLED_MECHANISMS) : List.of()));
        dispatcher.register(ApiKeys.SASL_AUTHENTICATE, new SaslAuthenticateHandler());

        listener = KafkaListener.start(
                new KafkaListener.Settings(
                        config.listenerHost(),
                        config.listenerPort(),
                        config.getInt(BrokerConfig.NUM_NETWORK_THREADS),
                        config.getInt(BrokerConfig.SOCKET_REQUEST_MAX_BYTES),
                        config.getLong(BrokerConfig.CONNECTIONS_MAX_IDLE_MS),
                        security,
                        metrics.requests(),
                        listenerLimits()),
                dispatcher,
                apiVersions);
        parts.add(listener);
        metrics.registerListenerLimits(listener.connections(), listener.requestMemory());
        metrics.registerBrokerState(
                () -> activeController(nodeId) ? 1 : 0,
                () -> {
                    BrokerImage self = controller.image().brokers().get(nodeId);
                    return self != null && self.fenced() ? 1 : 0;
                },
                () -> controller.image().offset(),
                listener::connectionCount,
                delayed,
                groupCoordinator::counts);

        register(nodeId);
        partitions.catchUp(); // the image now holds every record written before this registration
        if (config.getBoolean(BrokerConfig.CLEANER_ENABLE)) {
            LogCleaner cleaner = new LogCleaner(logDirectory, time, config.getLong(BrokerConfig.CLEANER_BACKOFF_MS));
            cleaner.start();
            parts.add(cleaner);
        }
        logDirectory.startBackgroundTasks(
                config.getLong(BrokerConfig.RETENTION_CHECK_INTERVAL_MS),
                config.getLong(BrokerConfig.FLUSH_SCHEDULER_INTERVAL_MS),
                config.getLong(BrokerConfig.CHECKPOINT_INTERVAL_MS));
        log.info(
                "broker {} listening on {}:{} ({}, advertised {}), cluster {}",
                nodeId,
                config.listenerHost(),
                listener.port(),
                security,
                config.advertisedHost(),
                controller.image().clusterId());
    }

    /** Whether this node leads the metadata quorum (a standalone broker always does). */
    private boolean activeController(int nodeId) {
        return raftLog == null || raftLog.leaderId() == nodeId;
    }

    /**
     * Registers this broker (forming the cluster on first start). In a cluster this waits for a majority of the
     * metadata quorum, however long the other nodes take to come up, then starts the liveness heartbeats.
     */
    private void register(int nodeId) throws IOException, InterruptedException {
        BrokerImage self = new BrokerImage(
                nodeId,
                config.advertisedHost(),
                listener.port(),
                config.getString(BrokerConfig.RACK),
                false,
                System.currentTimeMillis());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (true) {
            try {
                controller
                        .registerBroker(self, config.getString(BrokerConfig.CLUSTER_ID))
                        .get(60, TimeUnit.SECONDS);
                break;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                if (raftLog == null || System.nanoTime() > deadline) {
                    throw new IOException("cannot register broker " + nodeId + " in the cluster metadata", e);
                }
                log.info(
                        "waiting for a majority of the metadata quorum to register broker {}: {}",
                        nodeId,
                        e.getCause() == null ? e.toString() : e.getCause().toString());
            }
        }
        if (raftLog != null) {
            long interval = config.getInt(BrokerConfig.BROKER_HEARTBEAT_INTERVAL_MS);
            heartbeats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "broker-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long incarnation = self.incarnation();
            heartbeats.scheduleWithFixedDelay(
                    () -> raftLog.heartbeat(nodeId, incarnation), 0, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** The bound Kafka port (useful when configured with port 0). */
    private ListenerLimits listenerLimits() {
        return new ListenerLimits(
                config.getInt(BrokerLimits.MAX_CONNECTIONS),
                config.getInt(BrokerLimits.MAX_CONNECTIONS_PER_IP),
                BrokerLimits.perIpOverrides(config),
                // Netty's pooled buffers count against this bound (-XX:MaxDirectMemorySize, else the heap size)
                BrokerLimits.queuedMaxRequestBytes(config, PlatformDependent.maxDirectMemory()),
                config.getInt(BrokerLimits.SASL_SERVER_MAX_RECEIVE_SIZE));
    }

    public int port() {
        return listener == null ? -1 : listener.port();
    }

    /** Controlled shutdown: fence this broker and move its leaderships to in-sync replicas before stopping. */
    private void handOffLeadership() {
        int nodeId = config.nodeId();
        boolean othersAlive = raftLog.image().liveBrokers().stream().anyMatch(b -> b.id() != nodeId);
        if (!othersAlive) {
            return;
        }
        try {
            var records = PartitionElections.onBrokersChanged(
                    raftLog.image(), java.util.Set.of(nodeId), java.util.Set.of(), topic -> false);
            raftLog.append(records).get(3, TimeUnit.SECONDS);
            log.info("broker {} handed off its partition leaderships", nodeId);
        } catch (Exception e) {
            log.warn("controlled shutdown of broker {} could not move its leaderships: {}", nodeId, e.toString());
        }
    }

    /**
     * The partition replicas hosted here whose log could not be opened (quarantined after corruption, or
     * unreadable), each with the reason; a live view, empty while everything is served.
     */
    public Map<org.apache.kafka.common.TopicPartition, String> offlineLogs() {
        return partitions.offline();
    }

    public String clusterId() {
        return controller.image().clusterId();
    }

    /** Stops accepting requests, then flushes and closes every log (a clean shutdown). */
    @Override
    public void close() {
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        if (raftLog != null && partitions != null && config.getBoolean(BrokerConfig.CONTROLLED_SHUTDOWN_ENABLE)) {
            handOffLeadership();
        }
        List<AutoCloseable> reversed = new ArrayList<>(parts);
        Collections.reverse(reversed);
        for (AutoCloseable part : reversed) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("error while stopping {}", part.getClass().getSimpleName(), e);
            }
        }
        parts.clear();
        if (ownRegistry) {
            registry.close();
        }
    }
}
