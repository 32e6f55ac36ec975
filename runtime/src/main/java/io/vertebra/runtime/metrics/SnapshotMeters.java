package io.vertebra.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Snapshot progress of the source connectors that publish it (Debezium's snapshot beans, read by
 * {@link ProgressBeans}), republished as {@code vertebra.connect.snapshot.*} tagged with the connector whose
 * {@code topic.prefix} (or {@code database.server.name}) names the bean's {@code server}.
 *
 * <p>Not thread-safe: {@link ConnectMetrics} calls {@link #refresh} under its lock.
 */
final class SnapshotMeters {
    static final String ROWS_SCANNED = "vertebra.connect.snapshot.rows.scanned";
    static final String TABLES = "vertebra.connect.snapshot.tables";
    static final String TABLES_REMAINING = "vertebra.connect.snapshot.tables.remaining";
    static final String RUNNING = "vertebra.connect.snapshot.running";
    static final String COMPLETED = "vertebra.connect.snapshot.completed";
    static final String DURATION = "vertebra.connect.snapshot.duration";

    private final MultiGauge rows;
    private final MultiGauge tables;
    private final MultiGauge remaining;
    private final MultiGauge running;
    private final MultiGauge completed;
    private final MultiGauge duration;

    SnapshotMeters(MeterRegistry registry) {
        rows = MultiGauge.builder(ROWS_SCANNED)
                .description("Rows a connector's snapshot has read so far, per table (Debezium's RowsScanned).")
                .register(registry);
        tables = MultiGauge.builder(TABLES)
                .description("Tables the connector's snapshot covers.")
                .register(registry);
        remaining = MultiGauge.builder(TABLES_REMAINING)
                .description("Tables the connector's snapshot has not copied yet.")
                .register(registry);
        running = MultiGauge.builder(RUNNING)
                .description("1 while the connector's snapshot runs.")
                .register(registry);
        completed = MultiGauge.builder(COMPLETED)
                .description("1 once the connector's snapshot completed.")
                .register(registry);
        duration = MultiGauge.builder(DURATION)
                .baseUnit("seconds")
                .description("How long the connector's snapshot has run (or ran).")
                .register(registry);
    }

    /** Replaces the rows with these snapshots, keyed by the connector (or, without one, the bean's server). */
    void refresh(Map<String, TaskProgress.Snapshot> byConnector) {
        List<MultiGauge.Row<?>> rowRows = new ArrayList<>();
        List<MultiGauge.Row<?>> tableRows = new ArrayList<>();
        List<MultiGauge.Row<?>> remainingRows = new ArrayList<>();
        List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
        List<MultiGauge.Row<?>> completedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> durationRows = new ArrayList<>();
        byConnector.forEach((connector, snapshot) -> {
            // Prometheus wants one set of label names per family: always connector (and table), nothing else
            Tags tags = Tags.of("connector", connector);
            tableRows.add(MultiGauge.Row.of(tags, snapshot.tablesTotal()));
            remainingRows.add(MultiGauge.Row.of(tags, snapshot.tablesRemaining()));
            runningRows.add(MultiGauge.Row.of(tags, snapshot.running() ? 1 : 0));
            completedRows.add(MultiGauge.Row.of(tags, snapshot.completed() ? 1 : 0));
            durationRows.add(MultiGauge.Row.of(tags, snapshot.durationSeconds()));
            snapshot.rowsScanned()
                    .forEach((table, count) -> rowRows.add(MultiGauge.Row.of(tags.and("table", table), count)));
        });
        rows.register(rowRows, true);
        tables.register(tableRows, true);
        remaining.register(remainingRows, true);
        running.register(runningRows, true);
        completed.register(completedRows, true);
        duration.register(durationRows, true);
    }

    /** Removes every row (the worker stops). */
    void clear() {
        refresh(Map.of());
    }
}
