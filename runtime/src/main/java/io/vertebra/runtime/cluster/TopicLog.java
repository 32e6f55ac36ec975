package io.vertebra.runtime.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compacted internal topic read from the beginning and then followed, the way Kafka Connect keeps its config,
 * offset and status topics: every record is handed to {@code onRecord} on this log's own reader thread, in partition
 * order. {@link #readToEnd()} completes once everything written before the call has been handed over, which gives a
 * writer read-your-writes.
 *
 * <p>Thread-safe: {@link #send} and {@link #readToEnd} may be called from any thread.
 */
public final class TopicLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TopicLog.class);

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Consumer<ConsumerRecord<byte[], byte[]>> onRecord;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> readRequests = new ConcurrentLinkedQueue<>();
    private final Thread reader;
    private volatile boolean stopped;

    private TopicLog(
            String topic,
            Map<String, Object> producerConfig,
            Map<String, Object> consumerConfig,
            Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
        this.topic = topic;
        this.onRecord = onRecord;
        Map<String, Object> p = new HashMap<>(producerConfig);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.in.flight.requests.per.connection", "1");
        p.put("linger.ms", "0");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> c = new HashMap<>(consumerConfig);
        c.remove("group.id");
        c.put("enable.auto.commit", "false");
        c.put("auto.offset.reset", "earliest");
        c.put("isolation.level", "read_committed");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::readLoop, "topic-log-" + topic);
        this.reader.setDaemon(true);
    }

    /**
     * Creates the topic when missing (compacted, with the given partitions and replication factor), starts following
     * it and returns once everything already in it has been handed to {@code onRecord}.
     */
    public static TopicLog start(
            String topic,
            int partitions,
            short replicationFactor,
            Admin admin,
            Map<String, Object> producerConfig,
            Map<String, Object> consumerConfig,
            Consumer<ConsumerRecord<byte[], byte[]>> onRecord) {
        ensureCompactedTopic(admin, topic, partitions, replicationFactor);
        TopicLog topicLog = new TopicLog(topic, producerConfig, consumerConfig, onRecord);
        topicLog.assignAll();
        topicLog.reader.start();
        try {
            topicLog.readToEnd().get(120, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            topicLog.close();
            throw new ConnectException("cannot read internal topic " + topic + " to its end", e);
        }
        return topicLog;
    }

    public static void ensureCompactedTopic(Admin admin, String topic, int partitions, short replicationFactor) {
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), Optional.of(replicationFactor))
                .configs(Map.of("cleanup.policy", "compact"));
        try {
            admin.createTopics(List.of(newTopic)).all().get(60, TimeUnit.SECONDS);
            log.info("created internal topic {} ({} partitions)", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new ConnectException("cannot create internal topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new ConnectException("cannot create internal topic " + topic + ": " + e, e);
        }
    }

    private void assignAll() {
        List<TopicPartition> partitions = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (partitions.isEmpty()) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos != null) {
                infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            if (partitions.isEmpty() && System.currentTimeMillis() > deadline) {
                throw new ConnectException("internal topic " + topic + " has no partitions");
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    public Future<RecordMetadata> send(byte[] key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends and waits for the log to acknowledge the record; returns the record's offset. */
    public long sendAndWait(byte[] key, byte[] value) {
        try {
            return send(key, value).get(60, TimeUnit.SECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while writing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("cannot write to internal topic " + topic + ": " + e, e);
        }
    }

    /** Completes when every record written to the topic before this call has been handed to {@code onRecord}. */
    public CompletableFuture<Void> readToEnd() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        readRequests.add(done);
        consumer.wakeup();
        return done;
    }

    /** {@link #readToEnd()} and wait, up to {@code timeoutMs}. */
    public void awaitReadToEnd(long timeoutMs) {
        try {
            readToEnd().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while reading " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("cannot read internal topic " + topic + " to its end: " + e, e);
        }
    }

    private void readLoop() {
        while (!stopped) {
            List<CompletableFuture<Void>> waiting = new ArrayList<>();
            try {
                for (CompletableFuture<Void> f; (f = readRequests.poll()) != null; ) {
                    waiting.add(f);
                }
                if (!waiting.isEmpty()) {
                    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
                    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
                        while (consumer.position(e.getKey()) < e.getValue() && !stopped) {
                            deliver(consumer.poll(Duration.ofMillis(200)));
                        }
                    }
                    waiting.forEach(f -> f.complete(null));
                }
                deliver(consumer.poll(Duration.ofMillis(500)));
            } catch (WakeupException e) {
                readRequests.addAll(waiting); // a new request interrupted this one: serve both on the next turn
            } catch (RuntimeException e) {
                readRequests.addAll(waiting);
                if (!stopped) {
                    log.warn("error reading internal topic {}; retrying", topic, e);
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private void deliver(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                onRecord.accept(record);
            } catch (RuntimeException e) {
                log.error("cannot apply a record of internal topic {} at offset {}", topic, record.offset(), e);
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readRequests.forEach(f -> f.completeExceptionally(new ConnectException(topic + " log closed")));
        try {
            consumer.close(Duration.ofSeconds(2));
        } catch (RuntimeException ignored) {
            // closing
        }
        producer.close(Duration.ofSeconds(5));
    }
}
