package io.vertebra.log.metadata;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/** A topic: name, id, partitions (index = partition number) and its own config overrides. */
public record TopicImage(String name, Uuid id, List<PartitionImage> partitions, Map<String, String> configs) {
    public TopicImage {
        partitions = List.copyOf(partitions);
        configs = Map.copyOf(configs);
    }

    public PartitionImage partition(int partition) {
        return partition >= 0 && partition < partitions.size() ? partitions.get(partition) : null;
    }
}
