package io.vertebra.log.controller;

import java.util.List;
import java.util.Map;

/**
 * A topic to create: {@code partitions}/{@code replicationFactor} of -1 mean the broker defaults; a non-empty
 * {@code assignments} gives each partition's replicas explicitly (then both counts must be -1).
 */
public record TopicSpec(
        String name,
        int partitions,
        short replicationFactor,
        List<List<Integer>> assignments,
        Map<String, String> configs) {
    public TopicSpec {
        assignments = assignments == null ? List.of() : List.copyOf(assignments);
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }
}
