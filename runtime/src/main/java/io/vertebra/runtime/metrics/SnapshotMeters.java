package io.vertebra.runtime.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot progress of the source connectors that publish it. Debezium connectors register a JMX bean per snapshot
 * in the worker's JVM ({@code debezium.<connector>:type=connector-metrics,context=snapshot,server=<topic.prefix>}:
 * {@code RowsScanned} per table, {@code TotalTableCount}, {@code RemainingTableCount}, {@code SnapshotRunning},
 * {@code SnapshotCompleted}, {@code SnapshotDurationInSeconds}); this reads them on each {@link #refresh} and
 * republishes them as {@code vertebra.connect.snapshot.*}, tagged with the connector whose {@code topic.prefix}
 * (or {@code database.server.name}) names the bean's {@code server}.
 *
 * <p>Not thread-safe: {@link ConnectMetrics} calls {@link #refresh} under its lock.
 */
final class SnapshotMeters {
    private static final Logger log = LoggerFactory.getLogger(SnapshotMeters.class);

    static final String ROWS_SCANNED = "vertebra.connect.snapshot.rows.scanned";
    static final String TABLES = "vertebra.connect.snapshot.tables";
    static final String TABLES_REMAINING = "vertebra.connect.snapshot.tables.remaining";
    static final String RUNNING = "vertebra.connect.snapshot.running";
    static final String COMPLETED = "vertebra.connect.snapshot.completed";
    static final String DURATION = "vertebra.connect.snapshot.duration";

    private static final ObjectName QUERY = objectName("debezium.*:type=connector-metrics,context=snapshot,*");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
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

    /**
     * Reads the snapshot beans now in this JVM.
     *
     * @param connectorOf the connector name of a bean's {@code server} property, or null when no connector of this
     *     worker has that prefix (the bean's {@code server} then names it)
     */
    void refresh(Function<String, String> connectorOf) {
        List<MultiGauge.Row<?>> rowRows = new ArrayList<>();
        List<MultiGauge.Row<?>> tableRows = new ArrayList<>();
        List<MultiGauge.Row<?>> remainingRows = new ArrayList<>();
        List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
        List<MultiGauge.Row<?>> completedRows = new ArrayList<>();
        List<MultiGauge.Row<?>> durationRows = new ArrayList<>();
        for (ObjectName bean : server.queryNames(QUERY, null)) {
            String prefix = bean.getKeyProperty("server");
            String connector = prefix == null ? null : connectorOf.apply(prefix);
            // Prometheus wants one set of label names per family: always connector (and table), nothing else
            Tags tags = Tags.of("connector", connector != null ? connector : String.valueOf(prefix));
            try {
                tableRows.add(MultiGauge.Row.of(tags, number(bean, "TotalTableCount")));
                remainingRows.add(MultiGauge.Row.of(tags, number(bean, "RemainingTableCount")));
                runningRows.add(MultiGauge.Row.of(tags, flag(bean, "SnapshotRunning")));
                completedRows.add(MultiGauge.Row.of(tags, flag(bean, "SnapshotCompleted")));
                durationRows.add(MultiGauge.Row.of(tags, number(bean, "SnapshotDurationInSeconds")));
                for (Map.Entry<String, Number> table : rowsScanned(bean).entrySet()) {
                    rowRows.add(MultiGauge.Row.of(tags.and("table", table.getKey()), table.getValue()));
                }
            } catch (Exception e) {
                // the bean went away between the query and the reads (the snapshot's task stopped)
                log.debug("cannot read snapshot bean {}", bean, e);
            }
        }
        rows.register(rowRows, true);
        tables.register(tableRows, true);
        remaining.register(remainingRows, true);
        running.register(runningRows, true);
        completed.register(completedRows, true);
        duration.register(durationRows, true);
    }

    /** Removes every row (the worker stops). */
    void clear() {
        for (MultiGauge gauge : List.of(rows, tables, remaining, running, completed, duration)) {
            gauge.register(List.of(), true);
        }
    }

    private Number number(ObjectName bean, String attribute) throws Exception {
        Object value = server.getAttribute(bean, attribute);
        return value instanceof Number n ? n : Double.NaN;
    }

    private Number flag(ObjectName bean, String attribute) throws Exception {
        return Boolean.TRUE.equals(server.getAttribute(bean, attribute)) ? 1 : 0;
    }

    /** {@code RowsScanned}: a map of table to rows, which JMX hands over as tabular data of key/value rows. */
    private Map<String, Number> rowsScanned(ObjectName bean) throws Exception {
        Object value = server.getAttribute(bean, "RowsScanned");
        Map<String, Number> out = new java.util.TreeMap<>();
        if (value instanceof TabularData table) {
            for (Object row : table.values()) {
                CompositeData data = (CompositeData) row;
                if (data.get("value") instanceof Number n) {
                    out.put(String.valueOf(data.get("key")), n);
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof Number n) {
                    out.put(String.valueOf(k), n);
                }
            });
        }
        return out;
    }

    private static ObjectName objectName(String pattern) {
        try {
            return new ObjectName(pattern);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
