package io.vertebra.runtime.apply;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/** The connectors and topics an apply set manages: what {@code --prune} may delete once they leave the set. */
public record Inventory(Set<String> connectors, Set<String> topics) {
    public static final Inventory EMPTY = new Inventory(Set.of(), Set.of());

    public Inventory {
        connectors = Collections.unmodifiableSortedSet(new TreeSet<>(connectors));
        topics = Collections.unmodifiableSortedSet(new TreeSet<>(topics));
    }

    @JsonIgnore
    public boolean isEmpty() {
        return connectors.isEmpty() && topics.isEmpty();
    }
}
