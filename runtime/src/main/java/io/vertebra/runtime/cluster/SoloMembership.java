package io.vertebra.runtime.cluster;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A worker alone: it runs everything the config holds. Used with the in-memory stores in tests, and by any
 * embedding that wants no group.
 */
public final class SoloMembership implements Membership {
    private final String url;
    private Listener listener;
    private int generation;

    public SoloMembership(String url) {
        this.url = url;
    }

    @Override
    public synchronized void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public synchronized void onConfigChange(ClusterConfig previous, ClusterConfig current) {
        if (listener == null) {
            return;
        }
        Set<String> connectors = new TreeSet<>(current.connectors().keySet());
        listener.onAssignment(
                new Assignment(++generation, "solo", connectors, current.allTasks(), false, Map.of("solo", url), 0));
    }

    @Override
    public void requestRejoin() {}

    @Override
    public void close() {}
}
