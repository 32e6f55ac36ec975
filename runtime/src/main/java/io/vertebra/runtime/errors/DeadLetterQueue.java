package io.vertebra.runtime.errors;

import io.vertebra.runtime.metrics.TaskMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink connector's dead letter queue: the original record bytes as consumed, plus (when enabled) Kafka Connect's
 * {@code __connect.errors.*} headers naming topic, partition, offset, connector, task, stage, class and exception.
 * Sends are asynchronous; {@link #flush()} runs before the task's consumer offsets are committed, so a skipped record
 * is in the DLQ before its offset moves past it.
 */
public final class DeadLetterQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterQueue.class);
    private static final String PREFIX = "__connect.errors.";

    private final String topic;
    private final String connector;
    private final int task;
    private final boolean contextHeaders;
    private final KafkaProducer<byte[], byte[]> producer;
    private final TaskMetrics metrics;

    /** {@code metrics}: where records written to the queue (and failed writes) are counted. */
    public DeadLetterQueue(
            String topic,
            String connector,
            int task,
            boolean contextHeaders,
            Map<String, Object> producerConfig,
            Admin admin,
            short replicationFactor,
            TaskMetrics metrics) {
        this.topic = topic;
        this.metrics = metrics;
        this.connector = connector;
        this.task = task;
        this.contextHeaders = contextHeaders;
        ensureTopic(admin, replicationFactor);
        producerConfig.putIfAbsent("acks", "all");
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private void ensureTopic(Admin admin, short replicationFactor) {
        try {
            admin.createTopics(List.of(
                            new NewTopic(topic, java.util.Optional.of(1), java.util.Optional.of(replicationFactor))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ConnectException("cannot create dead letter queue topic " + topic, e.getCause());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new ConnectException("cannot create dead letter queue topic " + topic, e);
        }
    }

    void send(ConsumerRecord<byte[], byte[]> original, Stage stage, Class<?> executing, Throwable error) {
        Headers headers = new RecordHeaders();
        original.headers().forEach(headers::add);
        if (contextHeaders) {
            put(headers, "topic", original.topic());
            put(headers, "partition", Integer.toString(original.partition()));
            put(headers, "offset", Long.toString(original.offset()));
            put(headers, "connector.name", connector);
            put(headers, "task.id", Integer.toString(task));
            put(headers, "stage", stage.name());
            put(headers, "class.name", executing.getName());
            Throwable root = error.getCause() != null && error.getMessage() == null ? error.getCause() : error;
            put(headers, "exception.class.name", root.getClass().getName());
            put(headers, "exception.message", String.valueOf(root.getMessage()));
            StringWriter trace = new StringWriter();
            root.printStackTrace(new PrintWriter(trace));
            put(headers, "exception.stacktrace", trace.toString());
        }
        producer.send(new ProducerRecord<>(topic, null, original.key(), original.value(), headers), (metadata, e) -> {
            metrics.deadLetter(e == null);
            if (e != null) {
                log.error("cannot write a record of {} to dead letter queue {}", original.topic(), topic, e);
            }
        });
    }

    private static void put(Headers headers, String key, String value) {
        headers.add(PREFIX + key, value.getBytes(StandardCharsets.UTF_8));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
