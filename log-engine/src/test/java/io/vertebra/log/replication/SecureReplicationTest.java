package io.vertebra.log.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertebra.log.LogCapture;
import io.vertebra.log.security.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three brokers whose only listener is SASL_SSL: followers must fetch over TLS as the inter-broker user, so the
 * ISR fills only if that works. Also checks the replica meters as a follower leaves and rejoins.
 */
class SecureReplicationTest {
    static final String BROKER_PASSWORD = "inter-broker-Pw-5e1";
    static final String APP_PASSWORD = "app-Pw-c07";

    @TempDir
    Path dir;

    static Map<String, Object> client(String bootstrap) {
        Map<String, Object> settings = new HashMap<>(TestCertificates.get().clientSettings("SASL_SSL"));
        settings.put("bootstrap.servers", bootstrap);
        settings.put("sasl.mechanism", "PLAIN");
        settings.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" password=\""
                        + APP_PASSWORD + "\";");
        return settings;
    }

    static TopicDescription describe(Admin admin) throws Exception {
        return admin.describeTopics(List.of("secure"))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get("secure");
    }

    static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).gauge().value();
    }

    static double counter(MeterRegistry registry, String name) {
        return registry.get(name).functionCounter().count();
    }

    @Test
    void threeBrokersReplicateOverSaslSsl() throws Exception {
        Map<String, String> extra = new HashMap<>(TestCertificates.get().brokerSettings("SASL_SSL"));
        extra.put("sasl.plain.users", "broker:" + BROKER_PASSWORD + ",app:" + APP_PASSWORD);
        extra.put("sasl.inter.broker.username", "broker");
        extra.put("sasl.inter.broker.password", BROKER_PASSWORD);
        extra.put("broker.session.timeout.ms", "1500");
        try (LogCapture logs = LogCapture.start()) {
            try (TestCluster cluster = TestCluster.start(dir, 3, extra);
                    Admin admin = Admin.create(client(cluster.bootstrap()))) {
                admin.createTopics(List.of(
                                new NewTopic("secure", 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                Awaitility.await("followers fetch over SASL_SSL and join the ISR")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> describe(admin).partitions().get(0).isr().size() == 3);

                Properties producerSettings = new Properties();
                producerSettings.putAll(client(cluster.bootstrap()));
                producerSettings.put("acks", "all");
                producerSettings.put("key.serializer", StringSerializer.class.getName());
                producerSettings.put("value.serializer", StringSerializer.class.getName());
                int leader = describe(admin).partitions().get(0).leader().id();
                int follower = leader % 3 + 1;
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerSettings)) {
                    for (int i = 0; i < 300; i++) {
                        producer.send(new ProducerRecord<>("secure", 0, null, "a" + i));
                    }
                    producer.flush();
                    assertTrue(counter(cluster.registry(follower), "vertebra.broker.replication.in") > 0);

                    cluster.stopBroker(follower);
                    MeterRegistry leaderMeters = cluster.registry(leader);
                    Awaitility.await("the leader reports the partition under-replicated")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> gauge(leaderMeters, "vertebra.broker.under.replicated.partitions") == 1);
                    assertTrue(counter(leaderMeters, "vertebra.broker.isr.shrinks") >= 1);
                    for (int i = 0; i < 100; i++) {
                        producer.send(new ProducerRecord<>("secure", 0, null, "b" + i));
                    }
                    producer.flush();

                    cluster.startBroker(follower);
                    Awaitility.await("the restarted follower catches up over SASL_SSL and rejoins the ISR")
                            .atMost(Duration.ofSeconds(30))
                            .until(() ->
                                    describe(admin).partitions().get(0).isr().size() == 3
                                            && gauge(leaderMeters, "vertebra.broker.under.replicated.partitions") == 0);
                    assertTrue(counter(leaderMeters, "vertebra.broker.isr.expands") >= 1);
                }
                assertEquals(400, consumeAll(cluster.bootstrap()).size());
            }
            for (String secret : List.of(BROKER_PASSWORD, APP_PASSWORD, TestCertificates.KEYSTORE_PASSWORD)) {
                assertEquals(List.of(), logs.linesContaining(secret), "a password reached the log");
            }
        }
    }

    static List<String> consumeAll(String bootstrap) {
        Properties p = new Properties();
        p.putAll(client(bootstrap));
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        TopicPartition tp = new TopicPartition("secure", 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < 400 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
