package io.vertebra.runtime.worker;

import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.cluster.TaskId;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.errors.ErrorHandler;
import io.vertebra.runtime.errors.ErrorPolicy;
import io.vertebra.runtime.errors.Stage;
import io.vertebra.runtime.pipeline.Converters;
import io.vertebra.runtime.pipeline.TransformChain;
import io.vertebra.runtime.pipeline.Transforms;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SourceTask}: poll → transforms → converters → producer. Offsets are committed exactly as Kafka
 * Connect does: only for records the log has acknowledged, and per source partition only up to the first record
 * still in flight (so a crash never skips an unwritten record). {@code commitRecord} is called from the producer's
 * callback, {@code commit} after each offset flush.
 *
 * <p>The producer is idempotent with up to 5 requests in flight and a short linger, which keeps per-partition
 * order while batching far better than Kafka Connect's default of one request in flight.
 */
final class SourceTaskRunner extends TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(SourceTaskRunner.class);

    private SourceTask task;
    private Converters converters;
    private TransformChain<SourceRecord> transforms;
    private ErrorHandler errors;
    private KafkaProducer<byte[], byte[]> producer;
    private TopicCreator topics;
    private final ArrayDeque<Submitted> submitted = new ArrayDeque<>();
    private final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
    private long nextCommitMs;
    private long flushIntervalMs;

    /** A record sent to the log, acknowledged or not yet. */
    private static final class Submitted {
        final Map<String, ?> partition;
        final Map<String, ?> offset;
        volatile boolean acked;

        Submitted(Map<String, ?> partition, Map<String, ?> offset) {
            this.partition = partition;
            this.offset = offset;
        }
    }

    SourceTaskRunner(
            TaskId id,
            Map<String, String> connectorConfig,
            Map<String, String> rawConfig,
            PluginDesc plugin,
            TargetState initial,
            WorkerContext ctx) {
        super(id, connectorConfig, rawConfig, plugin, initial, ctx, false);
    }

    @Override
    void initializeAndStart() {
        Map<String, String> config = ctx.providers().resolve(connectorConfig);
        Map<String, String> taskConfig = ctx.providers().resolve(rawConfig);
        PluginRegistry registry = ctx.plugins().registry();
        WorkerConfig worker = ctx.config();
        converters = Converters.build(config, worker, registry);
        transforms = Transforms.build(config, registry);
        errors = new ErrorHandler(id.connector(), id.task(), ErrorPolicy.from(config), null, () -> stopping, metrics);
        Map<String, Object> producerConfig = worker.clientConfig("producer");
        producerConfig.putIfAbsent("client.id", "connector-producer-" + id);
        producerConfig.putIfAbsent("acks", "all");
        producerConfig.putIfAbsent("enable.idempotence", "true");
        producerConfig.putIfAbsent("max.in.flight.requests.per.connection", "5");
        producerConfig.putIfAbsent("linger.ms", "5");
        producerConfig.putIfAbsent("batch.size", "262144");
        producerConfig.putIfAbsent("delivery.timeout.ms", Integer.toString(Integer.MAX_VALUE));
        producerConfig.putAll(overrides(config, "producer.override."));
        producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        topics = new TopicCreator(ctx.admin(), config, worker.getBoolean(WorkerConfig.TOPIC_CREATION_ENABLE));
        flushIntervalMs = worker.getLong(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS);
        nextCommitMs = System.currentTimeMillis() + flushIntervalMs;
        Class<?> taskClass = taskClass(taskConfig);
        task = (SourceTask) newTask(taskClass);
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return taskConfig;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new StoreOffsetReader(ctx.offsetStore(), id.connector());
            }

            @Override
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
                return PluginMetricsSource.forTask(id);
            }
        });
        task.start(taskConfig);
        log.info("source task {} started", id);
    }

    static Map<String, Object> overrides(Map<String, String> config, String prefix) {
        Map<String, Object> out = new HashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    Class<?> taskClass(Map<String, String> config) {
        String cls = config.get("task.class");
        if (cls == null) {
            throw new ConnectException("task config of " + id + " has no task.class");
        }
        try {
            return Class.forName(cls, true, plugin.loader());
        } catch (ClassNotFoundException e) {
            throw new ConnectException("task class " + cls + " of " + id + " not found in plugin " + plugin.location());
        }
    }

    static Object newTask(Class<?> cls) {
        try {
            return cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ConnectException("cannot instantiate task class " + cls.getName(), e);
        }
    }

    @Override
    void iterate() throws InterruptedException {
        Throwable failure = producerFailure.get();
        if (failure != null) {
            throw new ConnectException("Unrecoverable exception from producer send callback", failure);
        }
        List<SourceRecord> records;
        try {
            records = task.poll();
        } catch (RetriableException e) {
            log.debug("task {} poll: retriable exception, polling again", id, e);
            records = null;
        }
        if (records != null) {
            metrics.recordsIn(records.size());
            for (SourceRecord record : records) {
                send(record);
            }
        }
        long now = System.currentTimeMillis();
        if (now >= nextCommitMs) {
            commitOffsets(ctx.config().getLong(WorkerConfig.OFFSET_FLUSH_TIMEOUT_MS));
            nextCommitMs = now + flushIntervalMs;
        }
    }

    private void send(SourceRecord original) {
        Submitted entry = new Submitted(original.sourcePartition(), original.sourceOffset());
        SourceRecord record = transforms.apply(original, errors, original);
        if (record == null) {
            entry.acked = true; // dropped by a transform or a tolerated failure: its offset may still be committed
            submitted.add(entry);
            return;
        }
        String topic = record.topic();
        RecordHeaders headers = new RecordHeaders();
        if (record.headers() != null && !record.headers().isEmpty()) {
            for (Header h : record.headers()) {
                byte[] v = errors.execute(
                        Stage.HEADER_CONVERTER,
                        converters.header().getClass(),
                        original,
                        () -> converters.header().fromConnectHeader(topic, h.key(), h.schema(), h.value()));
                headers.add(h.key(), v);
            }
        }
        byte[] key = errors.execute(
                Stage.KEY_CONVERTER,
                converters.key().getClass(),
                original,
                () -> converters.key().fromConnectData(topic, headers, record.keySchema(), record.key()));
        byte[] value = errors.execute(
                Stage.VALUE_CONVERTER,
                converters.value().getClass(),
                original,
                () -> converters.value().fromConnectData(topic, headers, record.valueSchema(), record.value()));
        if ((key == null && record.key() != null) || (value == null && record.value() != null)) {
            entry.acked = true; // conversion failed and was tolerated
            submitted.add(entry);
            return;
        }
        topics.ensure(topic);
        ctx.statusStore().recordTopic(id.connector(), topic);
        submitted.add(entry);
        ProducerRecord<byte[], byte[]> out =
                new ProducerRecord<>(topic, record.kafkaPartition(), record.timestamp(), key, value, headers);
        producer.send(out, (RecordMetadata metadata, Exception e) -> {
            if (e != null) {
                producerFailure.compareAndSet(null, e);
                return;
            }
            entry.acked = true;
            metrics.recordWritten();
            try {
                task.commitRecord(original, metadata);
            } catch (Throwable t) {
                log.warn("task {} commitRecord failed", id, t);
            }
        });
    }

    /** Writes the offsets of the acknowledged prefix of what was sent, then calls {@code SourceTask.commit()}. */
    private void commitOffsets(long timeoutMs) {
        Map<Map<String, ?>, Map<String, ?>> latest = new HashMap<>();
        while (!submitted.isEmpty() && submitted.peekFirst().acked) {
            Submitted s = submitted.pollFirst();
            if (s.partition != null && s.offset != null) {
                latest.put(s.partition, s.offset);
            }
        }
        Map<Map<String, Object>, Map<String, Object>> offsets = new HashMap<>();
        latest.forEach((partition, offset) -> offsets.put(copy(partition), copy(offset)));
        if (!offsets.isEmpty()) {
            long start = System.nanoTime();
            boolean ok = false;
            try {
                ctx.offsetStore().write(id.connector(), offsets, timeoutMs);
                ok = true;
            } finally {
                metrics.offsetCommit(System.nanoTime() - start, ok);
            }
        }
        try {
            task.commit();
        } catch (Throwable t) {
            log.warn("task {} commit() failed", id, t);
        }
    }

    /** Keeps the task's iteration order: the key bytes are then the ones Apache Kafka Connect writes and reads. */
    private static Map<String, Object> copy(Map<String, ?> m) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(m));
    }

    @Override
    void close(boolean failed) {
        if (task != null) {
            try {
                task.stop();
            } catch (Throwable t) {
                log.warn("task {} stop() failed", id, t);
            }
        }
        if (producer != null) {
            try {
                producer.flush();
                if (producerFailure.get() == null) {
                    commitOffsets(ctx.config().getLong(WorkerConfig.OFFSET_FLUSH_TIMEOUT_MS));
                }
            } catch (Throwable t) {
                log.warn("task {}: final offset commit failed", id, t);
            }
            producer.close(Duration.ofSeconds(5));
        }
        if (transforms != null) {
            transforms.close();
        }
        if (converters != null) {
            converters.close();
        }
    }

    /** The offsets a source task reads at start, from the worker's offset store. */
    static final class StoreOffsetReader implements OffsetStorageReader {
        private final io.vertebra.runtime.offsets.OffsetStore store;
        private final String connector;

        StoreOffsetReader(io.vertebra.runtime.offsets.OffsetStore store, String connector) {
            this.store = store;
            this.connector = connector;
        }

        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            Map<String, Object> offset = store.offset(connector, partition);
            return offset == null ? null : new HashMap<>(offset); // the task's own copy, as Kafka Connect gives it
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
            for (Map<String, T> p : partitions) {
                Map<String, Object> o = offset(p);
                if (o != null) {
                    out.put(p, o);
                }
            }
            return out;
        }
    }
}
