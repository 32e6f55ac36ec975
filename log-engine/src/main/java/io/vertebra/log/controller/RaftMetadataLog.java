package io.vertebra.log.controller;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataJson;
import io.vertebra.log.metadata.MetadataRecord;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.retry.ExceptionDependentRetry;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata log of a cluster: one Apache Ratis (Raft) group whose members are the nodes listed in
 * {@code --cluster}. Appends go through a Raft client to the leader and complete once committed by a majority
 * and applied on this node; every node applies the same entries with {@link MetadataStateMachine}.
 *
 * <p>Election timeouts are short (300–600 ms by default) so a dead metadata leader is replaced well within a
 * second; snapshots are taken automatically every {@value #SNAPSHOT_EVERY} entries so restarts stay fast.
 */
public final class RaftMetadataLog implements MetadataLog {
    private static final Logger log = LoggerFactory.getLogger(RaftMetadataLog.class);
    static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("vertebra-metadata".getBytes(StandardCharsets.UTF_8)));
    static final long SNAPSHOT_EVERY = 5000;

    private final int nodeId;
    private final Map<Integer, InetSocketAddress> voters;
    private final Path dir;
    private final ControllerSecurity security;
    private final long electionTimeoutMinMs;
    private MetadataStateMachine stateMachine;
    private RaftServer server;
    private volatile RaftClient client;
    private volatile RaftClient heartbeatClient;
    private volatile boolean closing;
    private final java.util.concurrent.ExecutorService appender =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "metadata-append");
                t.setDaemon(true);
                return t;
            });
    private volatile MetadataListener listener;

    /**
     * {@code voters}: node id → controller (Raft) address of every member, this node included;
     * {@code security}: the address this node's Raft server binds and how the port is protected (TLS, secret).
     */
    public RaftMetadataLog(
            int nodeId,
            Map<Integer, InetSocketAddress> voters,
            Path dir,
            ControllerSecurity security,
            long electionTimeoutMinMs) {
        if (!voters.containsKey(nodeId)) {
            throw new IllegalArgumentException(
                    "the cluster list " + voters.keySet() + " does not name this node's id " + nodeId);
        }
        this.nodeId = nodeId;
        this.voters = Map.copyOf(voters);
        this.dir = dir;
        this.security = security;
        this.electionTimeoutMinMs = electionTimeoutMinMs;
    }

    /** Parses {@code 1@host:port,2@host:port,...}, naming the bad entry when it does not parse. */
    public static Map<Integer, InetSocketAddress> parseVoters(String cluster) {
        Map<Integer, InetSocketAddress> voters = new java.util.TreeMap<>();
        for (String entry : cluster.split(",")) {
            String e = entry.trim();
            int at = e.indexOf('@');
            int colon = e.lastIndexOf(':');
            if (at <= 0 || colon < at + 2 || colon == e.length() - 1) {
                throw new IllegalArgumentException("cluster entry '" + e + "' is not id@host:port");
            }
            try {
                int id = Integer.parseInt(e.substring(0, at));
                int port = Integer.parseInt(e.substring(colon + 1));
                if (voters.put(id, InetSocketAddress.createUnresolved(e.substring(at + 1, colon), port)) != null) {
                    throw new IllegalArgumentException("cluster list names node " + id + " twice");
                }
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("cluster entry '" + e + "' is not id@host:port: " + ex.getMessage());
            }
        }
        return voters;
    }

    private RaftGroup group() {
        List<RaftPeer> peers = new ArrayList<>();
        voters.forEach((id, address) -> peers.add(RaftPeer.newBuilder()
                .setId(RaftPeerId.valueOf(Integer.toString(id)))
                .setAddress(address.getHostString() + ":" + address.getPort())
                .build()));
        return RaftGroup.valueOf(GROUP_ID, peers);
    }

    private RaftProperties properties() {
        RaftProperties props = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(props, List.of(dir.toFile()));
        GrpcConfigKeys.Server.setHost(props, security.bindHost());
        GrpcConfigKeys.Server.setPort(props, voters.get(nodeId).getPort());
        RaftServerConfigKeys.Rpc.setTimeoutMin(
                props, TimeDuration.valueOf(electionTimeoutMinMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(
                props, TimeDuration.valueOf(2 * electionTimeoutMinMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(
                props, TimeDuration.valueOf(electionTimeoutMinMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(
                props, TimeDuration.valueOf(2 * electionTimeoutMinMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, SNAPSHOT_EVERY);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
        RaftServerConfigKeys.Read.setOption(props, RaftServerConfigKeys.Read.Option.DEFAULT);
        return props;
    }

    @Override
    public void start(MetadataListener listener) throws IOException {
        this.listener = listener;
        Files.createDirectories(dir);
        stateMachine = new MetadataStateMachine(
                (previous, next) -> {
                    MetadataListener l = this.listener;
                    if (l != null) {
                        l.onImage(previous, next);
                    }
                },
                security.authenticator());
        if (security.exposed(voters.size())) {
            log.warn(
                    "the controller port {}:{} takes no credentials: anyone who reaches it can rewrite the cluster"
                            + " metadata (delete topics, move leaders). Set controller.secret (the same on every node)"
                            + " or use TLS (controller.ssl.enable with the ssl.* stores), and bind it to the network"
                            + " between the nodes (controller.listener.host); see docs/security.md",
                    security.bindHost(),
                    voters.get(nodeId).getPort());
        }
        RaftProperties props = properties();
        boolean existing;
        try (var entries = Files.list(dir)) {
            existing = entries.findAny().isPresent();
        }
        // A node with no Raft storage either forms the cluster with the others (first start of all) or joins
        // a running one that does not list it yet: then it starts with an empty group and asks to be added.
        List<RaftPeer> runningConf = existing ? null : runningConfiguration();
        boolean joining = runningConf != null
                && runningConf.stream().noneMatch(p -> p.getId().toString().equals(Integer.toString(nodeId)));
        server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(Integer.toString(nodeId)))
                .setStateMachine(stateMachine)
                .setProperties(props)
                .setParameters(security.parameters())
                .setGroup(joining ? RaftGroup.valueOf(GROUP_ID) : group())
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        server.start();
        client = newClient(100);
        heartbeatClient = newClient(2);
        if (joining) {
            join(runningConf);
        }
        log.info(
                "metadata Raft member {} started at {} (cluster {}; {})", nodeId, voters.get(nodeId), voters, security);
    }

    /** The configuration of the running group as another member reports it, or null when none answers. */
    private List<RaftPeer> runningConfiguration() {
        for (RaftPeer peer : group().getPeers()) {
            if (peer.getId().toString().equals(Integer.toString(nodeId))) {
                continue;
            }
            try (RaftClient probe = RaftClient.newBuilder()
                    .setProperties(properties())
                    .setParameters(security.parameters())
                    .setRaftGroup(RaftGroup.valueOf(GROUP_ID, peer))
                    .setRetryPolicy(RetryPolicies.noRetry())
                    .build()) {
                var info = probe.getGroupManagementApi(peer.getId()).info(GROUP_ID);
                if (info.isSuccess()
                        && info.getGroup() != null
                        && !info.getGroup().getPeers().isEmpty()) {
                    return new ArrayList<>(info.getGroup().getPeers());
                }
                log.debug("metadata quorum member {} answered without a configuration: {}", peer, info);
            } catch (IOException | RuntimeException e) {
                log.debug("no running metadata quorum at {}: {}", peer, e.toString());
            }
        }
        return null;
    }

    /** Adds this node to the running group's configuration (membership change through the leader). */
    private void join(List<RaftPeer> runningConf) throws IOException {
        List<RaftPeer> peers = new ArrayList<>(runningConf);
        peers.add(RaftPeer.newBuilder()
                .setId(RaftPeerId.valueOf(Integer.toString(nodeId)))
                .setAddress(voters.get(nodeId).getHostString() + ":"
                        + voters.get(nodeId).getPort())
                .build());
        log.info("node {} joins the running metadata quorum {}", nodeId, runningConf);
        try (RaftClient admin = RaftClient.newBuilder()
                .setProperties(properties())
                .setParameters(security.parameters())
                .setRaftGroup(RaftGroup.valueOf(GROUP_ID, runningConf))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        50, TimeDuration.valueOf(200, TimeUnit.MILLISECONDS)))
                .build()) {
            var reply = admin.admin().setConfiguration(peers);
            if (!reply.isSuccess()) {
                throw new IOException(
                        "the metadata quorum refused to add node " + nodeId + ": " + reply.getException());
            }
        }
    }

    /**
     * A Raft client routed to the leader. Appends use the blocking API from their own threads and heartbeats the
     * unordered one: the ordered async API stalls every later request once one fails during a leader change.
     */
    private RaftClient newClient(int retries) {
        return RaftClient.newBuilder()
                .setProperties(properties())
                .setParameters(security.parameters())
                .setRaftGroup(group())
                .setClientId(ClientId.randomId())
                // the state machine's refusal (an entry not sealed with the leader's controller.secret) is final
                .setRetryPolicy(ExceptionDependentRetry.newBuilder()
                        .setExceptionToPolicy(StateMachineException.class, RetryPolicies.noRetry())
                        .setDefaultPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                                retries, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                        .build())
                .build();
    }

    public void setSupervisor(ClusterSupervisor supervisor) {
        stateMachine.setSupervisor(supervisor);
    }

    @Override
    public CompletableFuture<MetadataImage> append(List<MetadataRecord> records) {
        byte[] json = MetadataJson.write(records.toArray(new MetadataRecord[0]));
        byte[] entry = new byte[json.length + 1];
        entry[0] = MetadataStateMachine.RECORDS;
        System.arraycopy(json, 0, entry, 1, json.length);
        Message message =
                Message.valueOf(ByteString.copyFrom(security.authenticator().seal(entry, System.currentTimeMillis())));
        CompletableFuture<org.apache.ratis.protocol.RaftClientReply> sent = new CompletableFuture<>();
        try {
            appender.execute(() -> {
                try {
                    sent.complete(client.io().send(message));
                } catch (IOException | RuntimeException e) {
                    if (!closing && isClosed(e)) {
                        RaftClient broken = client;
                        client = newClient(100);
                        closeQuietly(broken);
                    }
                    sent.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            sent.completeExceptionally(new IOException("the metadata log is closed"));
        }
        return sent.thenCompose(reply -> {
            if (!reply.isSuccess()) {
                Exception e = reply.getException();
                return CompletableFuture.failedFuture(e != null ? e : new IOException("metadata append failed"));
            }
            return stateMachine.awaitApplied(reply.getLogIndex());
        });
    }

    /** Tells the metadata leader this broker is alive (a read-only query: nothing is written to the log). */
    public CompletableFuture<Void> heartbeat(int brokerId, long incarnation) {
        byte[] body = (brokerId + " " + incarnation).getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[body.length + 1];
        message[0] = MetadataStateMachine.HEARTBEAT;
        System.arraycopy(body, 0, message, 1, body.length);
        byte[] sealed = security.authenticator().seal(message, System.currentTimeMillis());
        return client.async()
                .sendReadOnly(Message.valueOf(ByteString.copyFrom(sealed)))
                .thenApply(r -> null);
    }

    @Override
    public MetadataImage image() {
        return stateMachine == null ? MetadataImage.EMPTY : stateMachine.image();
    }

    /** The node id of the current metadata leader, or -1 while there is none. */
    public int leaderId() {
        return stateMachine == null ? -1 : stateMachine.leaderId();
    }

    private static boolean isClosed(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof org.apache.ratis.protocol.exceptions.AlreadyClosedException) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(RaftClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // replaced anyway
        }
    }

    @Override
    public void close() {
        closing = true;
        appender.shutdownNow();
        try {
            if (heartbeatClient != null) {
                heartbeatClient.close();
            }
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
        } catch (IOException e) {
            log.warn("error closing the metadata Raft member: {}", e.toString());
        }
    }
}
