package io.vertebra.runtime.offsets;

import io.vertebra.runtime.cluster.TopicLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;

/** Source offsets on the compacted {@code offset.storage.topic}, in Kafka Connect's record format. */
public final class KafkaOffsetStore implements OffsetStore {
    private final Function<Consumer<ConsumerRecord<byte[], byte[]>>, TopicLog> logFactory;
    private final OffsetRecords records = new OffsetRecords();
    private TopicLog topicLog;

    public KafkaOffsetStore(Function<Consumer<ConsumerRecord<byte[], byte[]>>, TopicLog> logFactory) {
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

    @Override
    public Map<String, Object> offset(String connector, Map<String, ?> partition) {
        return records.offset(connector, partition);
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
        return records.offsets(connector);
    }

    @Override
    public void write(String connector, Map<Map<String, Object>, Map<String, Object>> offsets, long timeoutMs) {
        // all serialized before the first send: an offset Kafka Connect would refuse writes nothing
        List<byte[][]> applied = new ArrayList<>();
        offsets.forEach((partition, offset) -> applied.add(
                new byte[][] {OffsetRecords.key(connector, partition), OffsetRecords.value(connector, offset)}));
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        applied.forEach(kv -> sends.add(topicLog.send(kv[0], kv[1])));
        long deadline = System.currentTimeMillis() + timeoutMs;
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while committing offsets of " + connector, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("cannot commit offsets of " + connector + ": " + e, e);
        }
        applied.forEach(kv -> records.apply(kv[0], kv[1]));
    }

    @Override
    public void close() {
        if (topicLog != null) {
            topicLog.close();
        }
    }
}
