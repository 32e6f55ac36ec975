package io.vertebra.log.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.TestBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DescribeConfigs, AlterConfigs and IncrementalAlterConfigs on topics and brokers through the admin client,
 * including the cluster-wide dynamic broker defaults and their effect on topics.
 */
class ConfigAdminTest {
    @TempDir
    static Path dir;

    static TestBroker broker;
    static Admin admin;

    static final ConfigResource BROKER = new ConfigResource(ConfigResource.Type.BROKER, "1");
    static final ConfigResource CLUSTER_DEFAULT = new ConfigResource(ConfigResource.Type.BROKER, "");

    @BeforeAll
    static void start() {
        // a static topic default, to see STATIC_BROKER_CONFIG sources
        broker = TestBroker.start(dir, Map.of("log.segment.bytes", "104857600", "num.partitions", "2"));
        admin = broker.admin();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static Throwable failure(Future<?> future) {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private static Config describe(ConfigResource resource) throws Exception {
        return admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true))
                .all()
                .get()
                .get(resource);
    }

    private static void incremental(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all().get();
    }

    private static AlterConfigOp op(String name, String value, OpType type) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    private static Map<String, String> overrides(String topic) throws Exception {
        return describe(topic(topic)).entries().stream()
                .filter(e -> e.source() == ConfigSource.DYNAMIC_TOPIC_CONFIG)
                .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
    }

    @Test
    void describeTopicConfigs() throws Exception {
        admin.createTopics(List.of(new NewTopic("described", 1, (short) 1).configs(Map.of("retention.ms", "5000"))))
                .all()
                .get();
        Config config = describe(topic("described"));
        ConfigEntry retention = config.get("retention.ms");
        assertEquals("5000", retention.value());
        assertEquals(ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
        assertEquals(
                List.of(ConfigSource.DYNAMIC_TOPIC_CONFIG, ConfigSource.DEFAULT_CONFIG),
                retention.synonyms().stream().map(s -> s.source()).toList());
        ConfigEntry segment = config.get("segment.bytes");
        assertEquals("104857600", segment.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, segment.source());
        assertEquals("log.segment.bytes", segment.synonyms().get(0).name());
        ConfigEntry cleanup = config.get("cleanup.policy");
        assertEquals("delete", cleanup.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, cleanup.source());

        Config some = admin.describeConfigs(List.of(topic("described")), new DescribeConfigsOptions())
                .all()
                .get()
                .get(topic("described"));
        assertTrue(some.entries().size() > 20, "every topic config is described");

        assertInstanceOf(
                UnknownTopicOrPartitionException.class,
                failure(admin.describeConfigs(List.of(topic("not-there"))).all()));
    }

    @Test
    void describeBrokerConfigs() throws Exception {
        Config config = admin.describeConfigs(
                        List.of(BROKER),
                        new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true))
                .all()
                .get()
                .get(BROKER);
        ConfigEntry retention = config.get("log.retention.ms");
        assertEquals("604800000", retention.value(), "the effective retention, from log.retention.hours=168");
        assertEquals(ConfigSource.DEFAULT_CONFIG, retention.source());
        assertEquals("log.retention.hours", retention.synonyms().get(0).name());
        assertFalse(retention.isReadOnly(), "log.retention.ms can change at runtime");

        ConfigEntry partitions = config.get("num.partitions");
        assertEquals("2", partitions.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, partitions.source());
        assertEquals(
                List.of(ConfigSource.STATIC_BROKER_CONFIG, ConfigSource.DEFAULT_CONFIG),
                partitions.synonyms().stream().map(s -> s.source()).toList());
        assertTrue(partitions.isReadOnly());

        ConfigEntry maxBytes = config.get("message.max.bytes");
        assertEquals("1048588", maxBytes.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, maxBytes.source());
        assertEquals(ConfigEntry.ConfigType.INT, maxBytes.type());
        assertTrue(maxBytes.documentation() != null && !maxBytes.documentation().isEmpty());

        assertTrue(describe(CLUSTER_DEFAULT).entries().isEmpty(), "no dynamic defaults set yet");

        Config loggers = describe(new ConfigResource(ConfigResource.Type.BROKER_LOGGER, "1"));
        assertTrue(loggers.entries().isEmpty());
    }

    /** AlterConfigs (legacy) as AKHQ and kafka-clients 3.x send it; the 4.x admin client no longer can. */
    private static AlterConfigsResponseData.AlterConfigsResourceResponse legacyAlter(
            ConfigResource resource, Map<String, String> configs) {
        List<AlterConfigsRequest.ConfigEntry> entries = configs.entrySet().stream()
                .map(e -> new AlterConfigsRequest.ConfigEntry(e.getKey(), e.getValue()))
                .toList();
        try (RawKafkaSocket socket = RawKafkaSocket.connect(broker.bootstrap())) {
            AlterConfigsResponse response = socket.send(
                    new AlterConfigsRequest.Builder(Map.of(resource, new AlterConfigsRequest.Config(entries)), false)
                            .build((short) 2));
            return response.data().responses().get(0);
        }
    }

    @Test
    void legacyAlterConfigsReplacesTheWholeOverrideSet() throws Exception {
        admin.createTopics(List.of(new NewTopic("legacy", 1, (short) 1)
                        .configs(Map.of("retention.ms", "60000", "segment.ms", "3600000"))))
                .all()
                .get();
        var ok = legacyAlter(topic("legacy"), Map.of("cleanup.policy", "compact"));
        assertEquals(Errors.NONE.code(), ok.errorCode(), ok.errorMessage());
        assertEquals(Map.of("cleanup.policy", "compact"), overrides("legacy"));

        var bad = legacyAlter(topic("legacy"), Map.of("max.message.bytes", "lots"));
        assertEquals(Errors.INVALID_CONFIG.code(), bad.errorCode());
        assertTrue(bad.errorMessage().contains("max.message.bytes")
                && bad.errorMessage().contains("lots"));
        assertEquals(Map.of("cleanup.policy", "compact"), overrides("legacy"), "a failed change changes nothing");

        var missing = legacyAlter(topic("legacy-missing"), Map.of("retention.ms", "1"));
        assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), missing.errorCode());

        var clusterWide = legacyAlter(CLUSTER_DEFAULT, Map.of("log.retention.ms", "7200000"));
        assertEquals(Errors.NONE.code(), clusterWide.errorCode(), clusterWide.errorMessage());
        assertEquals(
                "7200000", describe(CLUSTER_DEFAULT).get("log.retention.ms").value());
        var cleared = legacyAlter(CLUSTER_DEFAULT, Map.of());
        assertEquals(Errors.NONE.code(), cleared.errorCode(), cleared.errorMessage());
        assertTrue(describe(CLUSTER_DEFAULT).entries().isEmpty());
    }

    @Test
    void incrementalAlterConfigsOnATopic() throws Exception {
        admin.createTopics(List.of(new NewTopic("incremental", 1, (short) 1).configs(Map.of("retention.ms", "60000"))))
                .all()
                .get();
        ConfigResource resource = topic("incremental");
        incremental(resource, op("segment.ms", "7200000", OpType.SET));
        assertEquals(Map.of("retention.ms", "60000", "segment.ms", "7200000"), overrides("incremental"));

        incremental(resource, op("retention.ms", null, OpType.DELETE));
        assertEquals(Map.of("segment.ms", "7200000"), overrides("incremental"));

        incremental(resource, op("cleanup.policy", "compact", OpType.APPEND));
        assertEquals("delete,compact", overrides("incremental").get("cleanup.policy"));
        incremental(resource, op("cleanup.policy", "delete", OpType.SUBTRACT));
        assertEquals("compact", overrides("incremental").get("cleanup.policy"));

        admin.incrementalAlterConfigs(
                        Map.of(resource, List.of(op("segment.ms", "1", OpType.SET))),
                        new AlterConfigsOptions().validateOnly(true))
                .all()
                .get();
        assertEquals("7200000", overrides("incremental").get("segment.ms"), "validateOnly changes nothing");

        Throwable unknown = failure(admin.incrementalAlterConfigs(
                        Map.of(resource, List.of(op("retention.forever", "true", OpType.SET))))
                .all());
        assertInstanceOf(InvalidConfigurationException.class, unknown);
        assertTrue(unknown.getMessage().contains("retention.forever"), unknown.getMessage());

        Throwable badValue = failure(admin.incrementalAlterConfigs(
                        Map.of(resource, List.of(op("min.insync.replicas", "0", OpType.SET))))
                .all());
        assertInstanceOf(InvalidConfigurationException.class, badValue);
        assertTrue(badValue.getMessage().contains("min.insync.replicas")
                && badValue.getMessage().contains("0"));

        Throwable notAList =
                failure(admin.incrementalAlterConfigs(Map.of(resource, List.of(op("retention.ms", "5", OpType.APPEND))))
                        .all());
        assertInstanceOf(InvalidConfigurationException.class, notAList);
        assertTrue(notAList.getMessage().contains("LIST"), notAList.getMessage());

        assertInstanceOf(
                UnknownTopicOrPartitionException.class,
                failure(admin.incrementalAlterConfigs(
                                Map.of(topic("missing-topic"), List.of(op("retention.ms", "1", OpType.SET))))
                        .all()));
        assertEquals(Map.of("segment.ms", "7200000", "cleanup.policy", "compact"), overrides("incremental"));
    }

    @Test
    void clusterWideBrokerDefaults() throws Exception {
        admin.createTopics(List.of(new NewTopic("inherits", 1, (short) 1)))
                .all()
                .get();
        incremental(CLUSTER_DEFAULT, op("log.retention.ms", "3600000", OpType.SET));
        try {
            Config defaults = describe(CLUSTER_DEFAULT);
            assertEquals("3600000", defaults.get("log.retention.ms").value());
            assertEquals(
                    ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                    defaults.get("log.retention.ms").source());
            ConfigEntry brokerView = describe(BROKER).get("log.retention.ms");
            assertEquals("3600000", brokerView.value());
            assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, brokerView.source());

            ConfigEntry topicView = describe(topic("inherits")).get("retention.ms");
            assertEquals("3600000", topicView.value());
            assertEquals(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, topicView.source());

            Throwable fixed = failure(admin.incrementalAlterConfigs(
                            Map.of(CLUSTER_DEFAULT, List.of(op("num.partitions", "3", OpType.SET))))
                    .all());
            assertInstanceOf(InvalidRequestException.class, fixed);
            assertTrue(fixed.getMessage().contains("num.partitions"), fixed.getMessage());

            Throwable unknown = failure(admin.incrementalAlterConfigs(
                            Map.of(CLUSTER_DEFAULT, List.of(op("log.retention.forever", "1", OpType.SET))))
                    .all());
            assertInstanceOf(InvalidConfigurationException.class, unknown);
            assertTrue(unknown.getMessage().contains("log.retention.forever"), unknown.getMessage());

            Throwable badValue = failure(admin.incrementalAlterConfigs(
                            Map.of(CLUSTER_DEFAULT, List.of(op("message.max.bytes", "-5", OpType.SET))))
                    .all());
            assertInstanceOf(InvalidConfigurationException.class, badValue);
            assertTrue(badValue.getMessage().contains("message.max.bytes")
                    && badValue.getMessage().contains("-5"));

            Throwable perBroker = failure(admin.incrementalAlterConfigs(
                            Map.of(BROKER, List.of(op("log.retention.ms", "1", OpType.SET))))
                    .all());
            assertInstanceOf(InvalidRequestException.class, perBroker);
            assertTrue(perBroker.getMessage().contains("per-broker dynamic configs are not supported"));
            // removing per-broker values (kafka-reassign-partitions --verify clearing throttles) changes nothing
            incremental(
                    BROKER,
                    op("leader.replication.throttled.rate", null, OpType.DELETE),
                    op("follower.replication.throttled.rate", null, OpType.DELETE));

            incremental(CLUSTER_DEFAULT, op("message.max.bytes", "2048", OpType.SET));
            assertProduceRejectedAsTooLarge("inherits", 4096);

            incremental(CLUSTER_DEFAULT, op("log.cleanup.policy", "compact", OpType.APPEND));
            assertEquals(
                    "delete,compact",
                    describe(CLUSTER_DEFAULT).get("log.cleanup.policy").value());
        } finally {
            incremental(
                    CLUSTER_DEFAULT,
                    op("log.retention.ms", null, OpType.DELETE),
                    op("message.max.bytes", null, OpType.DELETE),
                    op("log.cleanup.policy", null, OpType.DELETE));
        }
        assertTrue(describe(CLUSTER_DEFAULT).entries().isEmpty());
        assertEquals(
                "604800000", describe(topic("inherits")).get("retention.ms").value());
    }

    @Test
    void configsSurviveARestart() throws Exception {
        admin.createTopics(List.of(new NewTopic("durable", 1, (short) 1))).all().get();
        incremental(
                topic("durable"),
                op("retention.ms", "123456", OpType.SET),
                op("max.message.bytes", "1024", OpType.SET));
        incremental(CLUSTER_DEFAULT, op("log.segment.bytes", "2097152", OpType.SET));
        try {
            broker.restart();
            try (Admin fresh = broker.admin()) {
                Config config = fresh.describeConfigs(List.of(topic("durable")))
                        .all()
                        .get()
                        .get(topic("durable"));
                assertEquals("123456", config.get("retention.ms").value());
                assertEquals("1024", config.get("max.message.bytes").value());
                assertEquals("2097152", config.get("segment.bytes").value());
                assertEquals(
                        ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                        config.get("segment.bytes").source());
            }
            assertProduceRejectedAsTooLarge("durable", 2048);
        } finally {
            try (Admin fresh = broker.admin()) {
                fresh.incrementalAlterConfigs(
                                Map.of(CLUSTER_DEFAULT, List.of(op("log.segment.bytes", null, OpType.DELETE))))
                        .all()
                        .get();
            }
        }
    }

    /** The broker enforces the (inherited or own) max.message.bytes on a real producer's batch. */
    private static void assertProduceRejectedAsTooLarge(String topic, int valueBytes) throws Exception {
        try (KafkaProducer<String, String> producer = broker.producer(Map.of("linger.ms", 0))) {
            Throwable error = failure(producer.send(new ProducerRecord<>(topic, "k", "x".repeat(valueBytes))));
            assertInstanceOf(RecordTooLargeException.class, error);
            assertEquals(
                    0,
                    producer.send(new ProducerRecord<>(topic, "k", "small"))
                            .get()
                            .partition());
        }
    }
}
