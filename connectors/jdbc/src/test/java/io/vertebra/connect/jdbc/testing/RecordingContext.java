package io.vertebra.connect.jdbc.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A {@link SinkTaskContext} for driving a sink task directly: it records the seeks and timeouts the task asks for and,
 * when built with a reporter, the records it reports as errant (as a dead-letter queue would receive them).
 */
public final class RecordingContext implements SinkTaskContext {
    private final Map<TopicPartition, Long> seeks = new HashMap<>();
    private final List<SinkRecord> reported = new ArrayList<>();
    private final List<Throwable> reportedCauses = new ArrayList<>();
    private final boolean withReporter;
    private long timeoutMs = -1;

    public RecordingContext(boolean withReporter) {
        this.withReporter = withReporter;
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        seeks.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        seeks.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.of();
    }

    @Override
    public void pause(TopicPartition... partitions) {}

    @Override
    public void resume(TopicPartition... partitions) {}

    @Override
    public void requestCommit() {}

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!withReporter) {
            return null;
        }
        return new ErrantRecordReporter() {
            @Override
            public Future<Void> report(SinkRecord record, Throwable error) {
                reported.add(record);
                reportedCauses.add(error);
                return CompletableFuture.completedFuture(null);
            }
        };
    }

    @Override
    public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
        return null; // the JDBC sink registers no metrics
    }

    public Map<TopicPartition, Long> seeks() {
        return seeks;
    }

    public List<SinkRecord> reported() {
        return reported;
    }

    public List<Throwable> reportedCauses() {
        return reportedCauses;
    }

    public long timeoutMs() {
        return timeoutMs;
    }
}
