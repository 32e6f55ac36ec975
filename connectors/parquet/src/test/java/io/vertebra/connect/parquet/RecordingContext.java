package io.vertebra.connect.parquet;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A SinkTaskContext for driving a task directly: it records the rewinds and pauses the task asks for. */
final class RecordingContext implements SinkTaskContext {
    final Map<TopicPartition, Long> offsets = new HashMap<>();
    final Set<TopicPartition> paused = new HashSet<>();
    final Set<TopicPartition> assignment = new HashSet<>();
    /** Records reported as errant, when this context offers a reporter (as with errors.tolerance=all). */
    final java.util.List<org.apache.kafka.connect.sink.SinkRecord> reported = new java.util.ArrayList<>();

    private boolean offerReporter;

    /** Offer an errant-record reporter, as the worker does with errors.tolerance=all. */
    RecordingContext withReporter() {
        offerReporter = true;
        return this;
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        this.offsets.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        offsets.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {}

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(Set.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        Set.of(partitions).forEach(paused::remove);
    }

    @Override
    public void requestCommit() {}

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!offerReporter) {
            return null;
        }
        return (record, error) -> {
            reported.add(record);
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        };
    }

    @Override
    public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
        return null;
    }
}
