package io.vertebra.runtime.cluster;

import java.util.List;
import java.util.Map;

/**
 * The config store's in-memory twin for unit tests and single-process use: the same record format and folding as
 * {@link KafkaConfigStore}, applied synchronously under a lock; listeners are called on the writer's thread.
 */
public final class InMemoryConfigStore implements ConfigStore {
    private final ConfigRecords records = new ConfigRecords();
    private volatile ClusterConfig snapshot = ClusterConfig.EMPTY;
    private volatile Listener listener;

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        listener.onConfigChange(snapshot);
    }

    @Override
    public boolean isStarted() {
        return listener != null;
    }

    private void write(byte[] key, byte[] value) {
        ClusterConfig changed = null;
        RestartRequest[] restart = new RestartRequest[1];
        synchronized (records) {
            if (records.apply(key, value, r -> restart[0] = r)) {
                snapshot = records.snapshot();
                changed = snapshot;
            }
        }
        Listener l = listener;
        if (l != null && changed != null) {
            l.onConfigChange(changed);
        }
        if (l != null && restart[0] != null) {
            l.onRestartRequest(restart[0]);
        }
    }

    @Override
    public ClusterConfig snapshot() {
        return snapshot;
    }

    @Override
    public void putConnectorConfig(String name, Map<String, String> config, TargetState initialState) {
        if (initialState != null) {
            write(ConfigRecords.key("target-state", name), ConfigRecords.stateValue(initialState));
        }
        write(ConfigRecords.key("connector", name), ConfigRecords.connectorValue(config));
    }

    @Override
    public void removeConnector(String name) {
        write(ConfigRecords.key("connector", name), null);
        write(ConfigRecords.key("tasks", name), null);
        write(ConfigRecords.key("target-state", name), null);
    }

    @Override
    public void putTaskConfigs(String name, List<Map<String, String>> tasks) {
        write(ConfigRecords.key("tasks", name), ConfigRecords.tasksValue(tasks));
    }

    @Override
    public void putTargetState(String name, TargetState state) {
        write(ConfigRecords.key("target-state", name), ConfigRecords.stateValue(state));
    }

    @Override
    public void requestRestart(RestartRequest request) {
        write(ConfigRecords.key("restart", request.connector()), ConfigRecords.restartValue(request));
    }

    @Override
    public void refresh() {}

    @Override
    public long position() {
        return snapshot.version();
    }

    @Override
    public void awaitPosition(long position) {}

    @Override
    public void close() {}
}
