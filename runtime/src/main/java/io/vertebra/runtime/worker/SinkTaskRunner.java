package io.vertebra.runtime.worker;

import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.cluster.TaskId;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.errors.DeadLetterQueue;
import io.vertebra.runtime.errors.ErrorHandler;
import io.vertebra.runtime.errors.ErrorPolicy;
import io.vertebra.runtime.errors.Stage;
import io.vertebra.runtime.pipeline.Converters;
import io.vertebra.runtime.pipeline.TransformChain;
import io.vertebra.runtime.pipeline.Transforms;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.runtime.InternalSinkRecord;
import org.apache.kafka.connect.runtime.errors.ProcessingContext;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SinkTask}: consumer poll → converters → transforms → {@code put}, which receives
 * {@link InternalSinkRecord}s carrying the consumed record as Kafka Connect's does. Consumer offsets are committed
 * only after {@code preCommit} (which flushes by default) says what the task has made durable, and after failed
 * records went to the dead letter queue. A {@link RetriableException} from {@code put} pauses consumption and
 * redelivers the same batch after the task's timeout, as Kafka Connect does.
 */
final class SinkTaskRunner extends TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(SinkTaskRunner.class);

    private SinkTask task;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Converters converters;
    private TransformChain<SinkRecord> transforms;
    private ErrorHandler errors;
    private DeadLetterQueue dlq;
    private final Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> lastCommitted = new HashMap<>();
    private List<SinkRecord> retryBatch;
    private Map<TopicPartition, OffsetAndMetadata> retryOffsets;
    private long retryAtMs;
    private long timeoutMs = -1;
    private long nextCommitMs;
    private long flushIntervalMs;
    private boolean commitRequested;
    private ConsumerRecords<byte[], byte[]> lastPolled = ConsumerRecords.empty();
    private boolean pausedByWorker;
    private final Set<TopicPartition> pausedByTask = new HashSet<>();

    SinkTaskRunner(
            TaskId id,
            Map<String, String> connectorConfig,
            Map<String, String> rawConfig,
            PluginDesc plugin,
            TargetState initial,
            WorkerContext ctx) {
        super(id, connectorConfig, rawConfig, plugin, initial, ctx, true);
    }

    @Override
    void initializeAndStart() {
        Map<String, String> config = ctx.providers().resolve(connectorConfig);
        Map<String, String> taskConfig = ctx.providers().resolve(rawConfig);
        PluginRegistry registry = ctx.plugins().registry();
        WorkerConfig worker = ctx.config();
        converters = Converters.build(config, worker, registry);
        transforms = Transforms.build(config, registry);
        ErrorPolicy policy = ErrorPolicy.from(config);
        if (!policy.dlqTopic().isEmpty()) {
            Map<String, Object> producerConfig = worker.clientConfig("producer");
            producerConfig.put("client.id", "connector-dlq-producer-" + id);
            producerConfig.putAll(SourceTaskRunner.overrides(config, "producer.override."));
            dlq = new DeadLetterQueue(
                    policy.dlqTopic(),
                    id.connector(),
                    id.task(),
                    policy.dlqContextHeaders(),
                    producerConfig,
                    ctx.admin(),
                    policy.dlqReplicationFactor(),
                    metrics);
        }
        errors = new ErrorHandler(id.connector(), id.task(), policy, dlq, () -> stopping, metrics);
        flushIntervalMs = worker.getLong(WorkerConfig.OFFSET_FLUSH_INTERVAL_MS);
        nextCommitMs = System.currentTimeMillis() + flushIntervalMs;

        Map<String, Object> consumerConfig = worker.clientConfig("consumer");
        consumerConfig.put("group.id", "connect-" + id.connector());
        consumerConfig.put("client.id", "connector-consumer-" + id);
        consumerConfig.put("enable.auto.commit", "false");
        consumerConfig.putIfAbsent("auto.offset.reset", "earliest");
        consumerConfig.putIfAbsent("max.poll.records", "2000");
        consumerConfig.putAll(SourceTaskRunner.overrides(config, "consumer.override."));
        consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());

        task = (SinkTask) SourceTaskRunner.newTask(taskClass(taskConfig));
        task.initialize(new Context(taskConfig));
        task.start(taskConfig);

        String topics = config.getOrDefault("topics", "").trim();
        String regex = config.getOrDefault("topics.regex", "").trim();
        Listener listener = new Listener();
        if (!regex.isEmpty()) {
            consumer.subscribe(Pattern.compile(regex), listener);
        } else {
            List<String> list = java.util.Arrays.stream(topics.split(","))
                    .map(String::trim)
                    .filter(t -> !t.isEmpty())
                    .toList();
            consumer.subscribe(list, listener);
        }
        log.info("sink task {} started", id);
    }

    private Class<?> taskClass(Map<String, String> config) {
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

    @Override
    void wakeup() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    @Override
    void onPaused() {
        if (!pausedByWorker) {
            consumer.pause(consumer.assignment());
            pausedByWorker = true;
        }
        try {
            consumer.poll(Duration.ofMillis(500)); // stays in the group; paused partitions return nothing
        } catch (WakeupException e) {
            // resume or stop
        }
    }

    @Override
    void iterate() {
        if (pausedByWorker) {
            resumeAll();
            pausedByWorker = false;
        }
        long now = System.currentTimeMillis();
        if ((commitRequested || now >= nextCommitMs) && retryBatch == null) {
            commit(false);
            commitRequested = false;
            nextCommitMs = now + flushIntervalMs;
        }
        if (retryBatch != null) {
            if (now < retryAtMs) {
                pollQuietly(Math.min(500, retryAtMs - now));
                return;
            }
            deliver(retryBatch, retryOffsets);
            return;
        }
        ConsumerRecords<byte[], byte[]> polled;
        try {
            polled = consumer.poll(Duration.ofMillis(timeoutMs > 0 ? Math.min(timeoutMs, 1000) : 1000));
        } catch (WakeupException e) {
            return;
        }
        updateLag();
        if (polled.isEmpty()) {
            deliver(List.of(), Map.of());
            return;
        }
        lastPolled = polled;
        metrics.recordsIn(polled.count());
        List<SinkRecord> batch = new ArrayList<>(polled.count());
        for (ConsumerRecord<byte[], byte[]> record : polled) {
            SinkRecord converted = convert(record);
            if (converted != null) {
                SinkRecord transformed = transforms.apply(converted, errors, record);
                if (transformed != null) {
                    // What Kafka Connect's put() receives: sinks reach the consumed record through it (the JDBC
                    // sinks of Debezium and others check instanceof InternalSinkRecord at start and per record).
                    batch.add(new InternalSinkRecord(new ProcessingContext<>(record), transformed));
                }
            }
        }
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (TopicPartition tp : polled.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = polled.records(tp);
            next.put(tp, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
        }
        deliver(batch, next);
    }

    /**
     * Consumer lag of the assigned partitions after their committed offsets (the figure consumer-group tools show):
     * the end offset is the position plus the consumer's lag as of its last fetch, so nothing is asked of the log.
     */
    private void updateLag() {
        long total = 0;
        boolean known = false;
        for (TopicPartition tp : consumer.assignment()) {
            java.util.OptionalLong behind = consumer.currentLag(tp);
            if (behind.isEmpty()) {
                continue;
            }
            long position = consumer.position(tp);
            OffsetAndMetadata committed = lastCommitted.get(tp);
            long from = committed != null ? Math.min(committed.offset(), position) : position;
            total += position + behind.getAsLong() - from;
            known = true;
        }
        metrics.lag(known ? total : Double.NaN);
    }

    private void pollQuietly(long ms) {
        try {
            consumer.poll(Duration.ofMillis(Math.max(1, ms)));
        } catch (WakeupException ignored) {
            // stop or state change
        }
    }

    private SinkRecord convert(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        SchemaAndValue key = errors.execute(
                Stage.KEY_CONVERTER,
                converters.key().getClass(),
                record,
                () -> converters.key().toConnectData(topic, record.headers(), record.key()));
        if (key == null) {
            return null;
        }
        SchemaAndValue value = errors.execute(
                Stage.VALUE_CONVERTER,
                converters.value().getClass(),
                record,
                () -> converters.value().toConnectData(topic, record.headers(), record.value()));
        if (value == null) {
            return null;
        }
        ConnectHeaders headers = new ConnectHeaders();
        for (Header h : record.headers()) {
            SchemaAndValue hv = errors.execute(
                    Stage.HEADER_CONVERTER,
                    converters.header().getClass(),
                    record,
                    () -> converters.header().toConnectHeader(topic, h.key(), h.value()));
            if (hv == null) {
                return null;
            }
            headers.add(h.key(), hv);
        }
        TimestampType tsType =
                record.timestampType() == null ? TimestampType.NO_TIMESTAMP_TYPE : record.timestampType();
        Long ts = record.timestamp() < 0 ? null : record.timestamp();
        return new SinkRecord(
                topic,
                record.partition(),
                key.schema(),
                key.value(),
                value.schema(),
                value.value(),
                record.offset(),
                ts,
                tsType,
                headers);
    }

    /** put() the batch; only once it is accepted do its offsets become committable. */
    private void deliver(List<SinkRecord> batch, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            long start = System.nanoTime();
            task.put(batch);
            if (!batch.isEmpty()) {
                metrics.put(batch.size(), System.nanoTime() - start);
            }
            retryBatch = null;
            retryOffsets = null;
            offsets.forEach((tp, o) -> {
                if (consumer.assignment().contains(tp)) {
                    consumed.put(tp, o);
                }
            });
        } catch (RetriableException e) {
            log.warn("task {} put() asked to retry {} records: {}", id, batch.size(), e.getMessage());
            retryBatch = batch;
            retryOffsets = offsets;
            retryAtMs = System.currentTimeMillis() + (timeoutMs > 0 ? timeoutMs : 1000);
            consumer.pause(consumer.assignment());
        }
        if (retryBatch == null && !pausedByTask.containsAll(consumer.assignment())) {
            resumeAll();
        }
    }

    private void resumeAll() {
        Set<TopicPartition> resume = new HashSet<>(consumer.assignment());
        resume.removeAll(pausedByTask);
        consumer.resume(resume);
    }

    /** preCommit → flush DLQ → commit what the task vouched for. {@code sync} on revocation and close. */
    private void commit(boolean sync) {
        if (consumed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>(consumed);
        Map<TopicPartition, OffsetAndMetadata> committable;
        try {
            committable = task.preCommit(current);
        } catch (Throwable t) {
            log.warn("task {} preCommit/flush failed; not committing offsets this time", id, t);
            return;
        }
        if (dlq != null) {
            dlq.flush();
        }
        Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
        if (committable != null) {
            committable.forEach((tp, o) -> {
                if (consumer.assignment().contains(tp) && o != null && !o.equals(lastCommitted.get(tp))) {
                    toCommit.put(tp, o);
                }
            });
        }
        if (toCommit.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        if (sync) {
            boolean ok = false;
            try {
                consumer.commitSync(toCommit);
                ok = true;
            } finally {
                metrics.offsetCommit(System.nanoTime() - start, ok);
            }
            lastCommitted.putAll(toCommit);
        } else {
            consumer.commitAsync(toCommit, (offsets, e) -> {
                metrics.offsetCommit(System.nanoTime() - start, e == null);
                if (e == null) {
                    lastCommitted.putAll(offsets);
                } else {
                    log.warn("task {}: offset commit failed (will retry): {}", id, e.toString());
                }
            });
        }
    }

    @Override
    void close(boolean failed) {
        try {
            if (consumer != null && task != null && !failed && retryBatch == null) {
                commit(true);
            }
        } catch (Throwable t) {
            log.warn("task {}: final offset commit failed", id, t);
        }
        if (task != null) {
            try {
                task.close(consumer == null ? List.of() : new ArrayList<>(consumer.assignment()));
            } catch (Throwable t) {
                log.warn("task {} close() failed", id, t);
            }
            try {
                task.stop();
            } catch (Throwable t) {
                log.warn("task {} stop() failed", id, t);
            }
        }
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (Throwable t) {
                log.debug("task {}: consumer close", id, t);
            }
        }
        if (dlq != null) {
            dlq.close();
        }
        if (transforms != null) {
            transforms.close();
        }
        if (converters != null) {
            converters.close();
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            try {
                if (retryBatch == null) {
                    commit(true);
                }
            } catch (RuntimeException e) {
                log.warn("task {}: commit on revocation failed", id, e);
            }
            task.close(partitions);
            partitions.forEach(tp -> {
                consumed.remove(tp);
                lastCommitted.remove(tp);
                pausedByTask.remove(tp);
            });
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            task.open(partitions);
            if (pausedByWorker || retryBatch != null) {
                consumer.pause(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            task.close(partitions);
            partitions.forEach(tp -> {
                consumed.remove(tp);
                lastCommitted.remove(tp);
            });
        }
    }

    /** The consumed record a sink record came from (its bytes go to the dead letter queue). */
    private ConsumerRecord<byte[], byte[]> original(SinkRecord record) {
        if (record instanceof InternalSinkRecord internal) {
            return internal.context().original();
        }
        // a record the task built itself: look it up in the last poll by its original coordinates
        String topic = record.originalTopic() != null ? record.originalTopic() : record.topic();
        Integer partition =
                record.originalKafkaPartition() != null ? record.originalKafkaPartition() : record.kafkaPartition();
        long offset = record.originalKafkaOffset();
        if (partition != null) {
            for (ConsumerRecord<byte[], byte[]> r : lastPolled.records(new TopicPartition(topic, partition))) {
                if (r.offset() == offset) {
                    return r;
                }
            }
        }
        return new ConsumerRecord<>(topic, partition == null ? 0 : partition, offset, null, null);
    }

    private final class Context implements SinkTaskContext {
        private final Map<String, String> config;

        Context(Map<String, String> config) {
            this.config = config;
        }

        @Override
        public Map<String, String> configs() {
            return config;
        }

        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
            offsets.forEach((tp, o) -> {
                consumer.seek(tp, o);
                consumed.put(tp, new OffsetAndMetadata(o));
            });
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
            offset(Map.of(tp, offset));
        }

        @Override
        public void timeout(long ms) {
            timeoutMs = ms;
        }

        @Override
        public Set<TopicPartition> assignment() {
            return consumer.assignment();
        }

        @Override
        public void pause(TopicPartition... partitions) {
            pausedByTask.addAll(List.of(partitions));
            consumer.pause(List.of(partitions));
        }

        @Override
        public void resume(TopicPartition... partitions) {
            List.of(partitions).forEach(pausedByTask::remove);
            if (!pausedByWorker && retryBatch == null) {
                consumer.resume(List.of(partitions));
            }
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return PluginMetricsSource.forTask(id);
        }

        @Override
        public void requestCommit() {
            commitRequested = true;
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return (record, error) -> {
                errors.report(Stage.TASK_PUT, task.getClass(), original(record), error);
                Future<Void> done = CompletableFuture.completedFuture(null);
                return done;
            };
        }
    }
}
