package io.vertebra.runtime.cluster;

import java.util.Map;
import java.util.Optional;

/** The status store's in-memory twin: the same folding as {@link KafkaStatusStore}, without a topic. */
public final class InMemoryStatusStore implements StatusStore {
    private final StatusRecords records = new StatusRecords();

    @Override
    public void start() {}

    @Override
    public void putConnector(String connector, Status status) {
        records.apply(StatusRecords.connectorKey(connector), StatusRecords.value(status));
    }

    @Override
    public void putTask(TaskId task, Status status) {
        records.apply(StatusRecords.taskKey(task), StatusRecords.value(status));
    }

    @Override
    public Optional<Status> connector(String connector) {
        return records.connector(connector);
    }

    @Override
    public Map<Integer, Status> tasks(String connector) {
        return records.tasks(connector);
    }

    @Override
    public void remove(String connector) {
        for (Integer task : records.tasks(connector).keySet()) {
            records.apply(StatusRecords.taskKey(new TaskId(connector, task)), null);
        }
        records.apply(StatusRecords.connectorKey(connector), null);
    }

    @Override
    public void removeTask(TaskId task) {
        records.apply(StatusRecords.taskKey(task), null);
    }

    @Override
    public void recordTopic(String connector, String topic) {
        if (!records.knowsTopic(connector, topic)) {
            records.apply(StatusRecords.topicKey(connector, topic), StatusRecords.topicValue(connector, topic));
        }
    }

    @Override
    public java.util.Set<String> topics(String connector) {
        return records.topics(connector);
    }

    @Override
    public void resetTopics(String connector) {
        for (String topic : records.topics(connector)) {
            records.apply(StatusRecords.topicKey(connector, topic), null);
        }
    }

    @Override
    public void close() {}
}
