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
    private final Object positionLock = new Object();
    private long position; // guarded by positionLock: offset after the last record applied (one partition)
    private volatile TopicLog log;

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
        try {
            applyRecord(record);
        } finally {
            synchronized (positionLock) {
                position = Math.max(position, record.offset() + 1);
                positionLock.notifyAll();
            }
        }
    }

    private void applyRecord(ConsumerRecord<byte[], byte[]> record) {
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
    public boolean isStarted() {
        return log != null;
    }

    @Override
    public ClusterConfig snapshot() {
        return snapshot;
    }

    @Override
    public void putConnectorConfig(String name, Map<String, String> config, TargetState initialState) {
        long last;
        if (initialState != null) {
            last = log.sendAndWait(ConfigRecords.key("target-state", name), ConfigRecords.stateValue(initialState));
        }
        last = log.sendAndWait(ConfigRecords.key("connector", name), ConfigRecords.connectorValue(config));
        awaitPosition(last + 1); // read-your-writes without a round trip: the reader follows the log
    }

    @Override
    public void removeConnector(String name) {
        long last;
        last = log.sendAndWait(ConfigRecords.key("connector", name), null);
        last = log.sendAndWait(ConfigRecords.key("tasks", name), null);
        last = log.sendAndWait(ConfigRecords.key("target-state", name), null);
        awaitPosition(last + 1); // read-your-writes without a round trip: the reader follows the log
    }

    @Override
    public void putTaskConfigs(String name, List<Map<String, String>> tasks) {
        long last;
        last = log.sendAndWait(ConfigRecords.key("tasks", name), ConfigRecords.tasksValue(tasks));
        awaitPosition(last + 1); // read-your-writes without a round trip: the reader follows the log
    }

    @Override
    public void putTargetState(String name, TargetState state) {
        long last;
        last = log.sendAndWait(ConfigRecords.key("target-state", name), ConfigRecords.stateValue(state));
        awaitPosition(last + 1); // read-your-writes without a round trip: the reader follows the log
    }

    @Override
    public void requestRestart(RestartRequest request) {
        log.sendAndWait(ConfigRecords.key("restart", request.connector()), ConfigRecords.restartValue(request));
    }

    @Override
    public long position() {
        synchronized (positionLock) {
            return position;
        }
    }

    @Override
    public void awaitPosition(long target) {
        long deadline = System.currentTimeMillis() + 60_000;
        synchronized (positionLock) {
            while (position < target) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new org.apache.kafka.connect.errors.ConnectException(
                            "config topic not read up to offset " + target + " within 60 s (at " + position + ")");
                }
                try {
                    positionLock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new org.apache.kafka.connect.errors.ConnectException("interrupted", e);
                }
            }
        }
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
