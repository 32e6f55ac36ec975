package io.vertebra.log.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 3 of issue 14 on a PLAINTEXT listener, with real kafka-clients: a client that is not the node cannot
 * write, create, delete or reconfigure the internal topics, nor act in the worker group; the node credential
 * (SASL/PLAIN as {@code __vertebra_node}, optional on this listener) can; other topics are not affected.
 */
class InternalTopicsProtectionTest {
    static final InternalResources WORKER = new InternalResources(
            Set.of("connect-configs", "connect-offsets", "connect-status", "vertebra-apply"), Set.of("vertebra"));

    @TempDir
    static Path dir;

    static TestBroker broker;
    static Admin anonymous;
    static Admin node;

    @BeforeAll
    static void start() throws Exception {
        broker = new TestBroker(dir, Map.of(), null).protecting(WORKER);
        broker.start();
        anonymous = broker.admin();
        node = broker.admin(nodeCredential(broker.broker().nodeCredential().secret()));
        node.createTopics(List.of(
                        new NewTopic("connect-configs", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                        new NewTopic("connect-offsets", 3, (short) 1),
                        new NewTopic("connect-status", 1, (short) 1),
                        new NewTopic("orders", 1, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        // the group coordinator makes __consumer_offsets on the first FindCoordinator
        try (KafkaConsumer<String, String> consumer = broker.consumer(Map.of("group.id", "warm-up"))) {
            consumer.listTopics(Duration.ofSeconds(30));
            consumer.committed(Set.of(new TopicPartition("orders", 0)), Duration.ofSeconds(30));
        }
    }

    @AfterAll
    static void stop() {
        anonymous.close();
        node.close();
        broker.close();
    }

    static Map<String, Object> nodeCredential(String secret) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"__vertebra_node\""
                        + " password=\"" + secret + "\";");
    }

    static <T extends Throwable> T failure(Class<T> type, Future<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(30, TimeUnit.SECONDS));
        return assertInstanceOf(type, e.getCause(), e.toString());
    }

    static long endOffset(String topic, int partition) throws Exception {
        TopicPartition tp = new TopicPartition(topic, partition);
        return node.listOffsets(Map.of(tp, OffsetSpec.latest()))
                .partitionResult(tp)
                .get(30, TimeUnit.SECONDS)
                .offset();
    }

    @Test
    void aForeignProducerCannotWriteAConnectorConfig() throws Exception {
        try (KafkaProducer<String, String> producer = broker.producer(Map.of("max.block.ms", 30_000))) {
            Future<RecordMetadata> sent =
                    producer.send(new ProducerRecord<>("connect-configs", "connector-evil", "{\"properties\":{}}"));
            failure(TopicAuthorizationException.class, sent);
        }
        assertEquals(0, endOffset("connect-configs", 0), "the record must not be stored");
    }

    @Test
    void theNodeCredentialWritesAndOtherTopicsStayOpen() throws Exception {
        Map<String, Object> asNode =
                new HashMap<>(nodeCredential(broker.broker().nodeCredential().secret()));
        try (KafkaProducer<String, String> producer = broker.producer(asNode)) {
            producer.send(new ProducerRecord<>("connect-status", "status-connector-a", "{}"))
                    .get(30, TimeUnit.SECONDS);
        }
        assertTrue(endOffset("connect-status", 0) >= 1);
        try (KafkaProducer<String, String> producer = broker.producer(Map.of())) {
            producer.send(new ProducerRecord<>("orders", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        anonymous
                .incrementalAlterConfigs(Map.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, "orders"),
                        List.of(new AlterConfigOp(
                                new ConfigEntry("retention.ms", "3600000"), AlterConfigOp.OpType.SET))))
                .all()
                .get(30, TimeUnit.SECONDS);
        anonymous
                .createTopics(List.of(new NewTopic("scratch", 1, (short) 1)))
                .all()
                .get(30, TimeUnit.SECONDS);
        anonymous.deleteTopics(List.of("scratch")).all().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aWrongNodeSecretIsRefused() {
        try (Admin wrong = broker.admin(nodeCredential("not-the-secret"))) {
            failure(SaslAuthenticationException.class, wrong.listTopics().names());
        }
    }

    @Test
    void internalTopicsCannotBeDeleted() throws Exception {
        var result = anonymous.deleteTopics(List.of("__consumer_offsets", "connect-offsets"));
        failure(TopicAuthorizationException.class, result.topicNameValues().get("__consumer_offsets"));
        failure(TopicAuthorizationException.class, result.topicNameValues().get("connect-offsets"));
        Set<String> names = node.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                .names()
                .get(30, TimeUnit.SECONDS);
        assertTrue(names.containsAll(Set.of("__consumer_offsets", "connect-offsets")), names.toString());
    }

    @Test
    void internalTopicsCannotBeCreatedOrReconfigured() throws Exception {
        var created = anonymous.createTopics(List.of(new NewTopic("vertebra-apply", 1, (short) 1)));
        failure(TopicAuthorizationException.class, created.all());
        assertFalse(node.listTopics().names().get(30, TimeUnit.SECONDS).contains("vertebra-apply"));

        ConfigResource offsets = new ConfigResource(ConfigResource.Type.TOPIC, "connect-offsets");
        var altered = anonymous.incrementalAlterConfigs(Map.of(
                offsets, List.of(new AlterConfigOp(new ConfigEntry("retention.ms", "1"), AlterConfigOp.OpType.SET))));
        failure(TopicAuthorizationException.class, altered.all());
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            @SuppressWarnings("deprecation")
            AlterConfigsResponse legacy = socket.send(new AlterConfigsRequest.Builder(
                            Map.of(
                                    offsets,
                                    new AlterConfigsRequest.Config(
                                            List.of(new AlterConfigsRequest.ConfigEntry("retention.ms", "1")))),
                            false)
                    .build((short) 2));
            assertEquals(
                    Map.of(offsets, Errors.TOPIC_AUTHORIZATION_FAILED),
                    legacy.errors().entrySet().stream()
                            .collect(java.util.stream.Collectors.toMap(
                                    Map.Entry::getKey, e -> e.getValue().error())));
        }
        Config config = node.describeConfigs(List.of(offsets))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(offsets);
        assertFalse("1".equals(config.get("retention.ms").value()), "retention.ms must be unchanged");

        var grown = anonymous.createPartitions(Map.of("connect-offsets", NewPartitions.increaseTo(10)));
        failure(TopicAuthorizationException.class, grown.all());
        assertEquals(
                3,
                node.describeTopics(List.of("connect-offsets"))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get("connect-offsets")
                        .partitions()
                        .size());
    }

    @Test
    void internalRecordsCannotBeDeleted() throws Exception {
        Map<String, Object> asNode =
                new HashMap<>(nodeCredential(broker.broker().nodeCredential().secret()));
        try (KafkaProducer<String, String> producer = broker.producer(asNode)) {
            producer.send(new ProducerRecord<>("connect-offsets", 0, "k", "v")).get(30, TimeUnit.SECONDS);
        }
        TopicPartition tp = new TopicPartition("connect-offsets", 0);
        var deleted = anonymous.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(1)));
        failure(TopicAuthorizationException.class, deleted.lowWatermarks().get(tp));
        long start = node.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                .partitionResult(tp)
                .get(30, TimeUnit.SECONDS)
                .offset();
        assertEquals(0, start);
    }

    @Test
    void aForeignClientCannotJoinOrDeleteTheWorkerGroup() throws Exception {
        try (KafkaConsumer<String, String> intruder = broker.consumer(Map.of("group.id", "vertebra"))) {
            intruder.subscribe(List.of("orders"));
            assertThrows(GroupAuthorizationException.class, () -> intruder.poll(Duration.ofSeconds(30)));
        }
        KafkaFuture<Void> deleted =
                anonymous.deleteConsumerGroups(List.of("vertebra")).all();
        failure(GroupAuthorizationException.class, deleted);

        Map<String, Object> member =
                new HashMap<>(nodeCredential(broker.broker().nodeCredential().secret()));
        member.put("group.id", "vertebra");
        try (KafkaConsumer<String, String> worker = broker.consumer(member)) {
            TopicPartition orders = new TopicPartition("orders", 0);
            worker.assign(List.of(orders));
            worker.commitSync(Map.of(orders, new org.apache.kafka.clients.consumer.OffsetAndMetadata(0)));
            assertNotNull(worker.committed(Set.of(orders)).get(orders));
        }
    }

    static Map<String, Object> plainUser(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\""
                        + " password=\"" + password + "\";");
    }

    @Test
    void onASaslListenerSuperUsersAndTheNodeMayChangeInternalTopics(@TempDir Path saslDir) throws Exception {
        Map<String, String> settings = Map.of(
                "listener.security.protocol", "SASL_PLAINTEXT",
                "sasl.plain.users", "broker:broker-pw,alice:alice-pw,bob:bob-pw",
                "sasl.inter.broker.username", "broker",
                "sasl.inter.broker.password", "broker-pw",
                "super.users", "User:alice; User:carol");
        try (TestBroker sasl = new TestBroker(saslDir, settings, null).protecting(WORKER)) {
            sasl.start();
            try (Admin alice = sasl.admin(plainUser("alice", "alice-pw"));
                    KafkaProducer<String, String> bob = sasl.producer(plainUser("bob", "bob-pw"));
                    KafkaProducer<String, String> asNode = sasl.producer(
                            nodeCredential(sasl.broker().nodeCredential().secret()))) {
                alice.createTopics(List.of(new NewTopic("connect-configs", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                failure(
                        TopicAuthorizationException.class,
                        bob.send(new ProducerRecord<>("connect-configs", "connector-evil", "{}")));
                asNode.send(new ProducerRecord<>("connect-configs", "connector-a", "{}"))
                        .get(30, TimeUnit.SECONDS);
                alice.deleteTopics(List.of("connect-configs")).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** On a TLS listener the node credential rides over TLS (SASL_SSL); a TLS client without it is refused. */
    @Test
    void onATlsListenerTheNodeAuthenticatesOverTls(@TempDir Path tlsDir) throws Exception {
        TestCertificates certificates = TestCertificates.get();
        try (TestBroker tls = new TestBroker(tlsDir, certificates.brokerSettings("SSL"), null).protecting(WORKER)) {
            tls.start();
            Map<String, Object> asNode = new HashMap<>(certificates.clientSettings("SASL_SSL"));
            asNode.putAll(nodeCredential(tls.broker().nodeCredential().secret()));
            asNode.put("security.protocol", "SASL_SSL");
            try (Admin node = tls.admin(asNode);
                    KafkaProducer<String, String> stranger = tls.producer(certificates.clientSettings("SSL"))) {
                node.createTopics(List.of(new NewTopic("connect-configs", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                failure(
                        TopicAuthorizationException.class,
                        stranger.send(new ProducerRecord<>("connect-configs", "connector-evil", "{}")));
            }
        }
    }

    /**
     * The optional SASL exchange of a PLAINTEXT listener does not hold a client that skips it to the
     * pre-authentication frame size (sasl.server.max.receive.size): its first Produce may be large.
     */
    @Test
    void aLargeFirstProduceOnPlaintextIsNotHeldToThePreAuthenticationLimit() throws Exception {
        byte[] value = new byte[700 * 1024];
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("orders");
        topic.partitionData()
                .add(new ProduceRequestData.PartitionProduceData()
                        .setIndex(0)
                        .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(null, value))));
        data.topicData().add(topic);
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            socket.send(new ApiVersionsRequestData(), (short) 3);
            ProduceResponse answer = (ProduceResponse) socket.send(data, (short) 12);
            assertEquals(
                    Errors.NONE.code(),
                    answer.data()
                            .responses()
                            .iterator()
                            .next()
                            .partitionResponses()
                            .get(0)
                            .errorCode());
        }
    }
}
