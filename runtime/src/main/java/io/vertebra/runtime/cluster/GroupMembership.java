package io.vertebra.runtime.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.GroupRebalanceConfig;
import org.apache.kafka.clients.Metadata;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.internals.AbstractCoordinator;
import org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.internals.ClusterResourceListeners;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Timer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connect cluster membership on the Kafka group protocol: workers with one {@code group.id} join a classic group of
 * protocol type {@code connect} (as Kafka Connect's workers do), so it works on any broker that coordinates groups.
 * The group leader computes an incremental cooperative assignment ({@link Assignor}) from what every member reports
 * owning in its join metadata. The protocol name is Vertebra's own, so an Apache Kafka Connect worker given the same
 * group id is refused by the broker instead of silently mixing.
 *
 * <p>One membership thread drives kafka-clients' {@link AbstractCoordinator} (join, sync, heartbeats); the
 * heartbeat thread of the coordinator keeps the session alive between polls.
 */
public final class GroupMembership implements Membership {
    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);
    static final String PROTOCOL = "vertebra-cooperative-v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final Supplier<ClusterConfig> config;
    private final java.util.function.LongSupplier position;
    /** A rejoin was asked for (from any thread) since the group thread last started joining. */
    private final java.util.concurrent.atomic.AtomicBoolean changedSinceJoinStarted =
            new java.util.concurrent.atomic.AtomicBoolean();

    private final Metrics metrics;
    private final ConsumerNetworkClient client;
    private final Coordinator coordinator;
    private final Thread thread;
    private volatile Listener listener;
    private volatile boolean stopped;
    private volatile Owned current = new Owned(Set.of(), Set.of());

    private record Owned(Set<String> connectors, Set<TaskId> tasks) {}

    /**
     * @param clientConfig bootstrap servers and client settings ({@code security.protocol} ...)
     * @param url this worker's REST URL, shared with the other members
     * @param config the config store's snapshot the leader assigns from
     * @param position how far the config store has read; sent with the assignment so members catch up to it
     */
    public GroupMembership(
            Map<String, Object> clientConfig,
            String groupId,
            int sessionTimeoutMs,
            int heartbeatIntervalMs,
            int rebalanceTimeoutMs,
            String url,
            Supplier<ClusterConfig> config,
            java.util.function.LongSupplier position) {
        this.url = url;
        this.config = config;
        this.position = position;
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "connect-worker-" + groupId);
        ConsumerConfig cc = new ConsumerConfig(props);
        Time time = Time.SYSTEM;
        LogContext logContext = new LogContext("[Worker group=" + groupId + "] ");
        this.metrics = new Metrics(time);
        long retryBackoffMs = cc.getLong(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG);
        long retryBackoffMaxMs = cc.getLong(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG);
        Metadata metadata = new Metadata(
                retryBackoffMs,
                retryBackoffMaxMs,
                cc.getLong(ConsumerConfig.METADATA_MAX_AGE_CONFIG),
                logContext,
                new ClusterResourceListeners());
        metadata.bootstrap(ClientUtils.parseAndValidateAddresses(cc));
        NetworkClient net = ClientUtils.createNetworkClient(
                cc, metrics, "connect", logContext, new ApiVersions(), time, 100, metadata, null, null);
        int requestTimeoutMs = cc.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG);
        this.client = new ConsumerNetworkClient(
                logContext, net, metadata, time, retryBackoffMs, requestTimeoutMs, Integer.MAX_VALUE);
        GroupRebalanceConfig rebalance = new GroupRebalanceConfig(
                sessionTimeoutMs,
                rebalanceTimeoutMs,
                heartbeatIntervalMs,
                groupId,
                Optional.empty(),
                null,
                retryBackoffMs,
                retryBackoffMaxMs);
        this.coordinator = new Coordinator(rebalance, logContext, client, metrics, time);
        this.thread = new Thread(this::run, "worker-group");
        this.thread.setDaemon(true);
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        thread.start();
    }

    private void run() {
        while (!stopped) {
            try {
                coordinator.pollOnce(1000);
            } catch (WakeupException e) {
                // rejoin requested or stopping
            } catch (RuntimeException e) {
                if (!stopped) {
                    log.warn("worker group: {}; retrying", e.toString());
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
        try {
            coordinator.leave();
        } catch (RuntimeException e) {
            log.debug("error leaving the worker group", e);
        }
    }

    @Override
    public void onConfigChange(ClusterConfig previous, ClusterConfig next) {
        if (!Objects.equals(
                        new TreeSet<>(previous.connectors().keySet()),
                        new TreeSet<>(next.connectors().keySet()))
                || !previous.allTasks().equals(next.allTasks())) {
            requestRejoin();
        }
    }

    @Override
    public void requestRejoin() {
        changedSinceJoinStarted.set(true);
        coordinator.requestRejoin("the set of connectors or tasks changed");
        client.wakeup();
    }

    @Override
    public void close() {
        stopped = true;
        client.wakeup();
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Utils.closeQuietly(client, "worker group network client");
        Utils.closeQuietly(metrics, "worker group metrics");
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Map<String, Object>> taskList(Set<TaskId> tasks) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (TaskId t : tasks) {
            out.add(Map.of("connector", t.connector(), "task", t.task()));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Set<TaskId> parseTasks(Object raw) {
        Set<TaskId> out = new TreeSet<>();
        if (raw instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> m = (Map<String, Object>) o;
                out.add(new TaskId((String) m.get("connector"), ((Number) m.get("task")).intValue()));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Set<String> parseStrings(Object raw) {
        return raw instanceof List<?> list ? new TreeSet<>((List<String>) list) : new TreeSet<>();
    }

    private static Map<String, Object> read(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        try {
            return JSON.readValue(bytes, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable worker group message: " + e.getMessage());
        }
    }

    private final class Coordinator extends AbstractCoordinator {
        Coordinator(
                GroupRebalanceConfig config,
                LogContext logContext,
                ConsumerNetworkClient client,
                Metrics metrics,
                Time time) {
            super(config, logContext, client, metrics, "connect", time);
        }

        void pollOnce(long timeoutMs) {
            long now = time.milliseconds();
            if (coordinatorUnknown()) {
                ensureCoordinatorReady(time.timer(timeoutMs));
                now = time.milliseconds();
            }
            if (rejoinNeededOrPending()) {
                changedSinceJoinStarted.set(false);
                ensureActiveGroup();
                if (changedSinceJoinStarted.get()) {
                    // asked for while this join was under way: the join's end clears the coordinator's own flag,
                    // and its assignment may predate the change (a connector created then would never run)
                    requestRejoin("the set of connectors or tasks changed while the group was rebalancing");
                }
                now = time.milliseconds();
            }
            pollHeartbeat(now);
            client.poll(time.timer(Math.min(timeoutMs, timeToNextHeartbeat(now))));
        }

        void leave() {
            close(time.timer(Duration.ofSeconds(5)), CloseOptions.GroupMembershipOperation.LEAVE_GROUP);
        }

        @Override
        protected String protocolType() {
            return "connect";
        }

        @Override
        protected JoinGroupRequestData.JoinGroupRequestProtocolCollection metadata() {
            Owned owned = current;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", url);
            m.put("connectors", new ArrayList<>(owned.connectors()));
            m.put("tasks", taskList(owned.tasks()));
            JoinGroupRequestData.JoinGroupRequestProtocol protocol = new JoinGroupRequestData.JoinGroupRequestProtocol()
                    .setName(PROTOCOL)
                    .setMetadata(json(m));
            return new JoinGroupRequestData.JoinGroupRequestProtocolCollection(
                    java.util.Collections.singletonList(protocol).iterator());
        }

        @Override
        protected boolean onJoinPrepare(Timer timer, int generation, String memberId) {
            return true; // cooperative: nothing is given up before the leader says so
        }

        @Override
        protected Map<String, ByteBuffer> onLeaderElected(
                String leaderId,
                String protocol,
                List<JoinGroupResponseData.JoinGroupResponseMember> allMemberMetadata,
                boolean skipAssignment) {
            // no round trip to the log here: a leader behind on configs sees the change soon and rebalances again
            long readUpTo = position.getAsLong();
            ClusterConfig snapshot = config.get();
            Map<String, Assignor.Owned> members = new HashMap<>();
            Map<String, String> urls = new LinkedHashMap<>();
            for (JoinGroupResponseData.JoinGroupResponseMember member : allMemberMetadata) {
                Map<String, Object> m = read(ByteBuffer.wrap(member.metadata()));
                String memberUrl = (String) m.get("url");
                urls.put(member.memberId(), memberUrl);
                members.put(
                        member.memberId(),
                        new Assignor.Owned(memberUrl, parseStrings(m.get("connectors")), parseTasks(m.get("tasks"))));
            }
            Assignor.Result result =
                    Assignor.assign(members, new TreeSet<>(snapshot.connectors().keySet()), snapshot.allTasks());
            Map<String, ByteBuffer> out = new HashMap<>();
            for (String id : members.keySet()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("leader", leaderId);
                a.put("connectors", new ArrayList<>(result.connectors().get(id)));
                a.put("tasks", taskList(result.tasks().get(id)));
                a.put("revoked", result.revoking().contains(id));
                a.put("members", urls);
                a.put("config_position", readUpTo);
                out.put(id, ByteBuffer.wrap(json(a)));
            }
            log.info(
                    "worker group leader: assigned {} connectors and {} tasks over {} workers{}",
                    snapshot.connectors().size(),
                    snapshot.allTasks().size(),
                    members.size(),
                    result.revoking().isEmpty() ? "" : " (" + result.revoking().size() + " give work up first)");
            return out;
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void onJoinComplete(int generation, String memberId, String protocol, ByteBuffer memberAssignment) {
            Map<String, Object> a = read(memberAssignment);
            Set<String> connectors = parseStrings(a.get("connectors"));
            Set<TaskId> tasks = parseTasks(a.get("tasks"));
            current = new Owned(connectors, tasks);
            Map<String, String> urls = (Map<String, String>) a.getOrDefault("members", Map.of());
            Listener l = listener;
            if (l != null) {
                l.onAssignment(new Assignment(
                        generation,
                        (String) a.get("leader"),
                        connectors,
                        tasks,
                        Boolean.TRUE.equals(a.get("revoked")),
                        urls,
                        a.get("config_position") instanceof Number n ? n.longValue() : 0));
            }
        }
    }
}
