package io.vertebra.log.security;

import java.util.Set;

/**
 * What the program around the broker keeps in the log for itself and so asks the broker to protect: the Connect
 * worker's internal topics (configs, offsets, statuses, apply sets) and its group id. The node fills it from the
 * worker's settings; the log engine knows nothing of the runtime's names. The broker's own internal topics
 * ({@code __consumer_offsets}, {@code __transaction_state}) are protected without being listed here.
 */
public record InternalResources(Set<String> topics, Set<String> groups) {
    public static final InternalResources NONE = new InternalResources(Set.of(), Set.of());

    public InternalResources {
        topics = Set.copyOf(topics);
        groups = Set.copyOf(groups);
    }
}
