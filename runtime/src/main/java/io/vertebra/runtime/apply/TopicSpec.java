package io.vertebra.runtime.apply;

import java.util.Map;

/**
 * A topic as a document declares it.
 *
 * @param partitions the partition count, or null for the broker's default
 * @param replicationFactor replicas per partition, or null for the broker's default
 * @param configs the topic configs that differ from the broker's defaults; keys not listed are at their default
 */
public record TopicSpec(String name, Integer partitions, Short replicationFactor, Map<String, String> configs) {
    public TopicSpec {
        configs = Map.copyOf(configs);
    }
}
