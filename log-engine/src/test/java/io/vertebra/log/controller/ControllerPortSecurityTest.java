package io.vertebra.log.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.LogCapture;
import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.metadata.MetadataJson;
import io.vertebra.log.metadata.MetadataRecord;
import io.vertebra.log.replication.TestCluster;
import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.security.TestCertificates;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, finding 4, reproduced with real brokers, real Ratis and a real Raft client standing in for the attacker:
 * a client that reaches the controller port submits a {@code delete-topic} entry. Without protection the node
 * deletes the partition's log (the finding); with mutual TLS or with {@code controller.secret} the entry is refused
 * and the log stays. The protected clusters also elect a leader and replicate metadata to every node.
 */
class ControllerPortSecurityTest {
    static final String SECRET = "a-cluster-secret-of-40-characters-length!";

    @TempDir
    Path dir;

    @Test
    void withoutProtectionAnyRaftClientDeletesATopic() throws Exception {
        try (TestCluster cluster = TestCluster.start(dir, 1, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            Uuid id = createEverywhere(admin, "target", 1);
            Object outcome = attack(cluster.quorum(), deleteTopic(id), new Parameters());
            assertEquals("accepted", outcome, "the unprotected controller port takes the entry");
            Awaitility.await("the forged delete-topic removes the partition log")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !Files.exists(partitionDir(1, "target")));
        }
    }

    @Test
    void mutualTlsClusterReplicatesAndRefusesAClientWithoutACertificate() throws Exception {
        Map<String, String> tls = TestCertificates.get().brokerSettings("SSL");
        Map<String, Object> client = new HashMap<>(TestCertificates.get().clientSettings("SSL"));
        try (LogCapture logs = LogCapture.start();
                TestCluster cluster = TestCluster.start(dir, 3, tls)) {
            client.put("bootstrap.servers", cluster.bootstrap());
            try (Admin admin = Admin.create(client)) {
                Uuid id = createEverywhere(admin, "target", 3);

                Object plain = attack(cluster.quorum(), deleteTopic(id), new Parameters());
                assertTrue(plain instanceof Throwable, "a plaintext client got through: " + plain);
                // TLS that trusts the nodes but presents no certificate of its own
                Parameters noCertificate = new Parameters();
                GrpcConfigKeys.TLS.setConf(
                        noCertificate,
                        new GrpcTlsConfig(
                                null,
                                ListenerSecurity.from(new BrokerConfig(tls))
                                        .tls()
                                        .trustManager(),
                                false));
                Object anonymous = attack(cluster.quorum(), deleteTopic(id), noCertificate);
                assertTrue(anonymous instanceof Throwable, "a client without a certificate got through: " + anonymous);

                createEverywhere(admin, "after", 3);
                for (int node = 1; node <= 3; node++) {
                    assertTrue(Files.isDirectory(partitionDir(node, "target")), "node " + node + " lost the log");
                }
                assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("target"));
            }
            assertTrue(
                    logs.linesContaining("started at").stream().anyMatch(l -> l.contains("mutual TLS")),
                    "the Raft members say they use mutual TLS");
        }
    }

    @Test
    void secretClusterReplicatesAndRefusesUnsealedAndWronglySealedEntries() throws Exception {
        try (LogCapture logs = LogCapture.start();
                TestCluster cluster = TestCluster.start(dir, 3, Map.of("controller.secret", SECRET));
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            Uuid id = createEverywhere(admin, "target", 3);

            Object unsealed = attack(cluster.quorum(), deleteTopic(id), new Parameters());
            assertTrue(unsealed instanceof Throwable, "an unsealed entry got through: " + unsealed);
            assertTrue(
                    messages((Throwable) unsealed).contains("no HMAC made with controller.secret"),
                    "the submitter learns why: " + messages((Throwable) unsealed));

            byte[] wronglySealed = EntryAuthenticator.withSecret("another-secret-of-a-node-misconfigured")
                    .seal(deleteTopic(id), System.currentTimeMillis());
            Object wrong = attack(cluster.quorum(), wronglySealed, new Parameters());
            assertTrue(wrong instanceof Throwable, "an entry sealed with another secret got through: " + wrong);
            assertTrue(messages((Throwable) wrong).contains("does not verify"), messages((Throwable) wrong));

            createEverywhere(admin, "after", 3);
            for (int node = 1; node <= 3; node++) {
                assertTrue(Files.isDirectory(partitionDir(node, "target")), "node " + node + " lost the log");
            }
            assertEquals(List.of(), logs.linesContaining(SECRET), "the secret reached the log");
            assertTrue(logs.linesContaining("takes no credentials").isEmpty(), "no warning when the port has a secret");
        }
    }

    @Test
    void theControllerPortBindsTheConfiguredAddress() throws Exception {
        int port = Ports.free();
        Map<String, String> settings = new HashMap<>();
        settings.put("listener.host", "127.0.0.1");
        settings.put("controller.listener.host", "127.0.0.2");
        BrokerConfig config = new BrokerConfig(settings);
        ControllerSecurity security = ControllerSecurity.from(config, ListenerSecurity.from(config));
        Map<Integer, InetSocketAddress> voters = Map.of(1, InetSocketAddress.createUnresolved("127.0.0.2", port));
        try (RaftMetadataLog log = new RaftMetadataLog(1, voters, dir.resolve("meta"), security, 200)) {
            log.start((previous, next) -> {});
            try (Socket s = new Socket("127.0.0.2", port)) {
                assertTrue(s.isConnected());
            }
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        }
    }

    @Test
    void anOpenControllerPortOnEveryInterfaceIsWarnedAbout() throws Exception {
        Map<Integer, InetSocketAddress> voters = Map.of(
                1, InetSocketAddress.createUnresolved("127.0.0.1", Ports.free()),
                2, InetSocketAddress.createUnresolved("127.0.0.1", Ports.free()),
                3, InetSocketAddress.createUnresolved("127.0.0.1", Ports.free()));
        try (LogCapture logs = LogCapture.start();
                RaftMetadataLog open = new RaftMetadataLog(
                        1, voters, dir.resolve("open"), security(Map.of("listener.host", "0.0.0.0")), 200)) {
            open.start((previous, next) -> {});
            assertEquals(1, logs.linesContaining("takes no credentials").size(), String.join("\n", logs.lines()));
        }
        Map<String, String> sealed = Map.of("listener.host", "0.0.0.0", "controller.secret", SECRET);
        try (LogCapture logs = LogCapture.start();
                RaftMetadataLog protectedLog =
                        new RaftMetadataLog(1, voters, dir.resolve("sealed"), security(sealed), 200)) {
            protectedLog.start((previous, next) -> {});
            assertEquals(List.of(), logs.linesContaining("takes no credentials"));
        }
    }

    @Test
    void enablingTheSecretOnARunningClusterKeepsWhatWasWrittenBefore() throws Exception {
        int port = Ports.free();
        Map<Integer, InetSocketAddress> voters = Map.of(1, InetSocketAddress.createUnresolved("127.0.0.1", port));
        Path meta = dir.resolve("meta");
        try (RaftMetadataLog log = new RaftMetadataLog(1, voters, meta, security(Map.of()), 200)) {
            log.start((previous, next) -> {});
            log.append(List.of(createTopic("written-before"))).get(30, TimeUnit.SECONDS);
        }
        Map<String, String> withSecret = Map.of("controller.secret", SECRET);
        try (RaftMetadataLog log = new RaftMetadataLog(1, voters, meta, security(withSecret), 200)) {
            log.start((previous, next) -> {});
            Awaitility.await("the unsealed entry replays")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> log.image().topic("written-before") != null);
            log.append(List.of(createTopic("written-sealed"))).get(30, TimeUnit.SECONDS);
        }
        try (RaftMetadataLog log = new RaftMetadataLog(1, voters, meta, security(withSecret), 200)) {
            log.start((previous, next) -> {});
            Awaitility.await("both replay after a restart")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> log.image().topic("written-sealed") != null);
            assertNotNull(log.image().topic("written-before"));
        }
    }

    static ControllerSecurity security(Map<String, String> settings) {
        BrokerConfig config = new BrokerConfig(settings);
        return ControllerSecurity.from(config, ListenerSecurity.from(config));
    }

    static MetadataRecord createTopic(String name) {
        return new MetadataRecord.CreateTopic(name, Uuid.randomUuid().toString(), Map.of(), List.of(List.of(1)));
    }

    /** The messages of {@code error} and its causes, one per line. */
    static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    /** Creates {@code topic} and waits until every one of its replicas has the partition's log on disk. */
    private Uuid createEverywhere(Admin admin, String topic, int replicas) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) replicas)))
                .all()
                .get(30, TimeUnit.SECONDS);
        Awaitility.await(topic + " reaches every node")
                .atMost(Duration.ofSeconds(30))
                .until(() -> {
                    for (int node = 1; node <= replicas; node++) {
                        if (!Files.isDirectory(partitionDir(node, topic))) {
                            return false;
                        }
                    }
                    return true;
                });
        Uuid id = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic)
                .topicId();
        assertNotNull(id);
        return id;
    }

    private Path partitionDir(int node, String topic) {
        return dir.resolve("node-" + node + "/log/" + topic + "-0");
    }

    /** The entry a broker's controller writes for DeleteTopics: {@code 'R'} + the JSON records. */
    static byte[] deleteTopic(Uuid id) {
        byte[] json = MetadataJson.write(new MetadataRecord[] {new MetadataRecord.DeleteTopic(id.toString())});
        byte[] entry = new byte[json.length + 1];
        entry[0] = MetadataStateMachine.RECORDS;
        System.arraycopy(json, 0, entry, 1, json.length);
        return entry;
    }

    /**
     * Submits {@code entry} as an outsider would: a Raft client without a certificate or secret ({@code parameters}
     * may give it TLS without a certificate) to every member of {@code quorum}. Returns "accepted", or what refused it.
     */
    static Object attack(String quorum, byte[] entry, Parameters parameters) {
        List<RaftPeer> peers = new ArrayList<>();
        RaftMetadataLog.parseVoters(quorum)
                .forEach((id, address) -> peers.add(RaftPeer.newBuilder()
                        .setId(RaftPeerId.valueOf(Integer.toString(id)))
                        .setAddress(address.getHostString() + ":" + address.getPort())
                        .build()));
        RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(3, TimeUnit.SECONDS));
        try (RaftClient client = RaftClient.newBuilder()
                .setProperties(properties)
                .setParameters(parameters)
                .setRaftGroup(RaftGroup.valueOf(RaftMetadataLog.GROUP_ID, peers))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        3 * peers.size(), TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build()) {
            RaftClientReply reply = client.io().send(Message.valueOf(ByteString.copyFrom(entry)));
            return reply.isSuccess() ? "accepted" : reply.getException();
        } catch (IOException | RuntimeException e) {
            return e;
        }
    }
}
