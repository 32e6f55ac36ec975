package io.vertebra.runtime.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Statuses on the compacted {@code status.storage.topic}; writes are asynchronous, reads are local. */
public final class KafkaStatusStore implements StatusStore {
    private static final Logger log = LoggerFactory.getLogger(KafkaStatusStore.class);

    private final Function<Consumer<ConsumerRecord<byte[], byte[]>>, TopicLog> logFactory;
    private final StatusRecords records = new StatusRecords();
    private TopicLog topicLog;

    public KafkaStatusStore(Function<Consumer<ConsumerRecord<byte[], byte[]>>, TopicLog> logFactory) {
        this.logFactory = logFactory;
    }

    @Override
    public void start() {
        topicLog = logFactory.apply(r -> {
            if (r.key() != null) {
                records.apply(r.key(), r.value());
            }
        });
    }

    private void write(byte[] key, byte[] value) {
        records.apply(key, value); // visible here at once; the topic carries it to the other workers
        topicLog.send(key, value);
    }

    @Override
    public void putConnector(String connector, Status status) {
        write(StatusRecords.connectorKey(connector), StatusRecords.value(status));
    }

    @Override
    public void putTask(TaskId task, Status status) {
        write(StatusRecords.taskKey(task), StatusRecords.value(status));
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
            write(StatusRecords.taskKey(new TaskId(connector, task)), null);
        }
        write(StatusRecords.connectorKey(connector), null);
    }

    @Override
    public void removeTask(TaskId task) {
        write(StatusRecords.taskKey(task), null);
    }

    @Override
    public void recordTopic(String connector, String topic) {
        if (!records.knowsTopic(connector, topic)) {
            write(StatusRecords.topicKey(connector, topic), StatusRecords.topicValue(connector, topic));
        }
    }

    @Override
    public java.util.Set<String> topics(String connector) {
        return records.topics(connector);
    }

    @Override
    public void resetTopics(String connector) {
        for (String topic : records.topics(connector)) {
            byte[] key = StatusRecords.topicKey(connector, topic);
            records.apply(key, null);
            topicLog.sendAndWait(key, null);
        }
        // read back to the tombstones, so a lagging reader cannot re-add a topic after this returns
        topicLog.awaitReadToEnd(30_000);
    }

    @Override
    public void close() {
        if (topicLog != null) {
            try {
                topicLog.close();
            } catch (RuntimeException e) {
                log.warn("error closing the status topic log", e);
            }
        }
    }
}
