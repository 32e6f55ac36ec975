package io.vertebra.log.group;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.TopicImage;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/** What the coordinator needs to know about topics: which partitions exist, and topic names ↔ ids. */
public interface TopicDirectory {
    boolean exists(TopicPartition partition);

    /** The name of the topic with {@code id}, or null when no topic has it. */
    String nameOf(Uuid id);

    /** The id of the topic named {@code name}, or null when there is no such topic. */
    Uuid idOf(String name);

    /** Whether the answers reflect the cluster's metadata yet (false while a broker still replays it). */
    boolean isCurrent();

    /** Answers from the latest metadata image. */
    static TopicDirectory of(Supplier<MetadataImage> images) {
        return new TopicDirectory() {
            @Override
            public boolean exists(TopicPartition partition) {
                TopicImage topic = images.get().topic(partition.topic());
                return topic != null && topic.partition(partition.partition()) != null;
            }

            @Override
            public String nameOf(Uuid id) {
                TopicImage topic = images.get().topic(id);
                return topic == null ? null : topic.name();
            }

            @Override
            public Uuid idOf(String name) {
                TopicImage topic = images.get().topic(name);
                return topic == null ? null : topic.id();
            }

            @Override
            public boolean isCurrent() {
                return images.get().offset() >= 0;
            }
        };
    }
}
