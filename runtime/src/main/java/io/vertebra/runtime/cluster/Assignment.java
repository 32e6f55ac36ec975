package io.vertebra.runtime.cluster;

import java.util.Map;
import java.util.Set;

/**
 * What one worker should run after a rebalance: the complete set, not a delta. {@code revoked} is true when this
 * worker must give up something it ran (it then rejoins at once, so the freed work can go elsewhere: the second
 * round of an incremental cooperative rebalance).
 *
 * @param memberUrls the REST URL of every live worker, by member id
 * @param configPosition how far the leader had read the config topic: a member reads at least as far before acting
 */
public record Assignment(
        int generation,
        String leaderId,
        Set<String> connectors,
        Set<TaskId> tasks,
        boolean revoked,
        Map<String, String> memberUrls,
        long configPosition) {
    public static final Assignment NONE = new Assignment(-1, "", Set.of(), Set.of(), false, Map.of(), 0);
}
