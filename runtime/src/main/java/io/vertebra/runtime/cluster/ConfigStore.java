package io.vertebra.runtime.cluster;

import java.util.List;
import java.util.Map;

/**
 * Where connector configs, task configs and target states live. Writes are durable when they return, and are
 * visible to {@link #snapshot()} on this worker from then on (read-your-writes); other workers see them shortly
 * after and get {@link Listener#onConfigChange} on the store's own thread.
 */
public interface ConfigStore extends AutoCloseable {
    /** Called on the store's thread; implementations hand the work to the worker's thread and return quickly. */
    interface Listener {
        void onConfigChange(ClusterConfig config);

        void onRestartRequest(RestartRequest request);
    }

    void start(Listener listener);

    ClusterConfig snapshot();

    /** Whether {@link #start} has read the stored configs: before, {@link #snapshot} is empty, not the truth. */
    default boolean isStarted() {
        return true;
    }

    /** Stores a connector config; {@code initialState} is written too when not null (a new connector's state). */
    void putConnectorConfig(String name, Map<String, String> config, TargetState initialState);

    /** Removes the connector, its tasks and its target state. */
    void removeConnector(String name);

    void putTaskConfigs(String name, List<Map<String, String>> tasks);

    void putTargetState(String name, TargetState state);

    void requestRestart(RestartRequest request);

    /** Blocks until this worker has seen every write made anywhere before the call (a round trip to the log). */
    void refresh();

    /** How far this worker has read: the position after the last applied record (comparable across workers). */
    long position();

    /** Blocks until this worker has read up to {@code position} (usually at once: the reader follows the log). */
    void awaitPosition(long position);

    @Override
    void close();
}
