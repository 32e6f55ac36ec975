package io.vertebra.log.protocol;

import io.vertebra.log.TestBroker;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What every version case works against: a broker with topic {@value #TOPIC} (two partitions; partition 0 holds
 * {@value #RECORDS} records {@code r0..r9} with timestamps {@value #FIRST_TIMESTAMP}+i, partition 1 is written
 * only by the Produce cases), and names that are new for each use so cases never see each other's state.
 */
final class VersionFixture implements AutoCloseable {
    static final String TOPIC = "vv";
    static final int RECORDS = 10;
    static final long FIRST_TIMESTAMP = 1_000_000L;

    final TestBroker broker;
    final Admin admin;
    final Uuid topicId;
    final int brokerId = 1;
    private final AtomicInteger names = new AtomicInteger();
    /** Records appended to partition 1 so far (each Produce case appends one). */
    final AtomicInteger producedToPartition1 = new AtomicInteger();

    VersionFixture(TestBroker broker) throws Exception {
        this.broker = broker;
        this.admin = broker.admin();
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        topicId = admin.describeTopics(List.of(TOPIC))
                .allTopicNames()
                .get()
                .get(TOPIC)
                .topicId();
        Properties props = new Properties();
        props.putAll(Map.of("bootstrap.servers", broker.bootstrap(), "linger.ms", "0"));
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, FIRST_TIMESTAMP + i, "k" + i, "r" + i));
            }
            producer.flush();
        }
        // as every group client does first: find the coordinator, which creates and loads __consumer_offsets
        admin.listConsumerGroupOffsets("vv-warm-up")
                .partitionsToOffsetAndMetadata()
                .get();
    }

    /** A name no other case has used: {@code prefix-N}. */
    String fresh(String prefix) {
        return prefix + "-" + names.incrementAndGet();
    }

    int port() {
        return broker.broker().port();
    }

    @Override
    public void close() {
        admin.close();
    }
}
