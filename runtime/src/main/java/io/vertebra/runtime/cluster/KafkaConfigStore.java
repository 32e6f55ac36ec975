package io.vertebra.runtime.cluster;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The config store on a compacted single-partition topic ({@code config.storage.topic}), so every worker applies
 * the same changes in the same order. Restart requests read while catching up at start are history, not requests,
 * and are ignored.
 */
public final class KafkaConfigStore implements ConfigStore {
    private final Supplier<TopicLog> logFactory;
    private final ConfigRecords records = new ConfigRecords();
    private volatile ClusterConfig snapshot = ClusterConfig.EMPTY;
    private volatile Listener listener;
    private volatile boolean caughtUp;
    private TopicLog log;

    /** {@code logFactory} starts the topic log with {@link #apply} as its record handler. */
    public KafkaConfigStore(
            java.util.function.Function<java.util.function.Consumer<ConsumerRecord<byte[], byte[]>>, TopicLog>
                    logFactory) {
        this.logFactory = () -> logFactory.apply(this::apply);
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        this.log = logFactory.get();
        caughtUp = true;
        listener.onConfigChange(snapshot);
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        boolean changed = records.apply(record.key(), record.value(), r -> {
            if (caughtUp && listener != null) {
                listener.onRestartRequest(r);
            }
        });
        if (changed) {
            snapshot = records.snapshot();
            if (caughtUp && listener != null) {
                listener.onConfigChange(snapshot);
            }
        }
    }

    @Override
    public ClusterConfig snapshot() {
        return snapshot;
    }

    @Override
    public void putConnectorConfig(String name, Map<String, String> config, TargetState initialState) {
        if (initialState != null) {
            log.sendAndWait(ConfigRecords.key("target-state", name), ConfigRecords.stateValue(initialState));
        }
        log.sendAndWait(ConfigRecords.key("connector", name), ConfigRecords.connectorValue(config));
        refresh();
    }

    @Override
    public void removeConnector(String name) {
        log.sendAndWait(ConfigRecords.key("connector", name), null);
        log.sendAndWait(ConfigRecords.key("tasks", name), null);
        log.sendAndWait(ConfigRecords.key("target-state", name), null);
        refresh();
    }

    @Override
    public void putTaskConfigs(String name, List<Map<String, String>> tasks) {
        log.sendAndWait(ConfigRecords.key("tasks", name), ConfigRecords.tasksValue(tasks));
        refresh();
    }

    @Override
    public void putTargetState(String name, TargetState state) {
        log.sendAndWait(ConfigRecords.key("target-state", name), ConfigRecords.stateValue(state));
        refresh();
    }

    @Override
    public void requestRestart(RestartRequest request) {
        log.sendAndWait(ConfigRecords.key("restart", request.connector()), ConfigRecords.restartValue(request));
    }

    @Override
    public void refresh() {
        log.awaitReadToEnd(60_000);
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }
}
