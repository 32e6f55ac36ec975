package io.vertebra.connect.file.sink;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** Drives a {@link FileSinkTask} the way Connect does, recording the rewinds the task asks for. */
final class SinkTaskHarness {
    final Map<TopicPartition, Long> rewinds = new HashMap<>();
    final FileSinkTask task;

    SinkTaskHarness(Map<String, String> props, Time time) {
        task = new FileSinkTask(time);
        task.initialize(new SinkTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public void offset(Map<TopicPartition, Long> offsets) {
                rewinds.putAll(offsets);
            }

            @Override
            public void offset(TopicPartition tp, long offset) {
                rewinds.put(tp, offset);
            }

            @Override
            public void timeout(long timeoutMs) {}

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
            public PluginMetrics pluginMetrics() {
                return null;
            }
        });
        task.start(props);
    }

    SinkTaskHarness open(TopicPartition... partitions) {
        task.open(List.of(partitions));
        return this;
    }

    void put(Collection<SinkRecord> records) {
        task.put(records);
    }

    void flush() {
        task.preCommit(Map.of());
    }

    static SinkRecord record(String topic, int partition, long offset, Schema schema, Object value) {
        return new SinkRecord(topic, partition, null, null, schema, value, offset);
    }

    /** String records {@code prefix<from>} .. {@code prefix<to - 1>} at offsets from..to-1 of one partition. */
    static List<SinkRecord> lines(TopicPartition tp, String prefix, int from, int to) {
        return java.util.stream.IntStream.range(from, to)
                .mapToObj(i -> record(tp.topic(), tp.partition(), i, Schema.STRING_SCHEMA, prefix + i))
                .toList();
    }
}
