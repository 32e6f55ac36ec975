package io.vertebra.connect.file.source;

import io.vertebra.connect.file.fixtures.InMemoryOffsetStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Drives a {@link FileSourceTask} the way Connect does (start, poll on one thread, stop), with an in-memory offset
 * store. By default every polled record counts as acknowledged and its offset is committed, as Connect does after
 * the producer's acknowledgement; tests that simulate a crash commit only some.
 */
final class SourceTaskHarness implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    final InMemoryOffsetStore store = new InMemoryOffsetStore();
    private final Map<String, String> props;
    private FileSourceTask task;

    SourceTaskHarness(Map<String, String> props) {
        this.props = props;
    }

    /** Source settings for tests: fast scans and polls, the given keys and values on top. */
    static Map<String, String> props(String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put(FileSourceConfig.TOPIC, "lines");
        props.put(FileSourceConfig.SCAN_INTERVAL_MS, "20");
        props.put(FileSourceConfig.POLL_INTERVAL_MS, "5");
        props.put(FileSourceConfig.CLOSE_IDLE_MS, "200");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    SourceTaskHarness start() {
        task = new FileSourceTask();
        task.initialize(context());
        task.start(props);
        return this;
    }

    /** A task context over this harness's settings and offset store. */
    SourceTaskContext context() {
        return new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return store;
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        };
    }

    /** Polls until {@code count} records came, commits their offsets and returns them. */
    List<SourceRecord> poll(int count) throws InterruptedException {
        List<SourceRecord> records = pollWithoutCommit(count);
        store.commit(records);
        return records;
    }

    /** The values of the next {@code count} records (committed). */
    List<Object> values(int count) throws InterruptedException {
        return poll(count).stream().map(SourceRecord::value).toList();
    }

    /** Polls until {@code count} records came; fails after a deadline naming what did come, or if more came. */
    List<SourceRecord> pollWithoutCommit(int count) throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (records.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + count + " records within " + DEADLINE + ", got " + records.size()
                        + ": " + records.stream().map(SourceRecord::value).toList());
            }
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                records.addAll(batch);
            }
        }
        if (records.size() > count) {
            throw new AssertionError("expected " + count + " records, got " + records.size() + ": "
                    + records.stream().map(SourceRecord::value).toList());
        }
        return records;
    }

    /**
     * Polls for several scan intervals and fails if any record comes: used after all expected records arrived, to
     * prove nothing is sent twice.
     */
    void assertNoMoreRecords() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofMillis(400).toNanos();
        while (System.nanoTime() < until) {
            List<SourceRecord> batch = task.poll();
            if (batch != null && !batch.isEmpty()) {
                throw new AssertionError("unexpected records: "
                        + batch.stream().map(SourceRecord::value).toList());
            }
        }
    }

    void stop() {
        if (task != null) {
            task.stop();
            task = null;
        }
    }

    SourceTaskHarness restart() {
        stop();
        return start();
    }

    @Override
    public void close() {
        stop();
    }
}
