package io.vertebra.testkit;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;

/** Topic set-up for tests that produce right after creating a topic. */
public final class Topics {
    private Topics() {}

    /**
     * Creates the topic and waits until every partition answers ListOffsets, i.e. its leader serves it. A producer
     * that writes before that can meet NOT_LEADER_OR_FOLLOWER and, on Apache Kafka 4.3, idempotent retries that end
     * in OUT_OF_ORDER_SEQUENCE_NUMBER (KAFKA-15591), losing records.
     */
    public static void create(Admin admin, NewTopic topic) throws Exception {
        admin.createTopics(List.of(topic)).all().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < topic.numPartitions(); p++) {
            latest.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
        }
        Awaitility.await("every partition of " + topic.name() + " has a serving leader")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> admin.listOffsets(latest).all().get().size() == latest.size());
    }
}
