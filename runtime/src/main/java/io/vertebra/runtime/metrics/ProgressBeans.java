package io.vertebra.runtime.metrics;

import io.vertebra.runtime.cluster.TaskId;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the progress connectors publish as JMX beans in the worker's JVM. Two kinds:
 *
 * <ul>
 *   <li>Vertebra's own, {@code vertebra.connect:type=task-progress,connector=<quoted name>,task=<id>}, attribute
 *       {@code Items}: composite values with {@code name}, {@code unit}, {@code done}, {@code total} (the file source
 *       publishes bytes read and size per open file; any plugin may publish the same shape);
 *   <li>Debezium's snapshot bean, {@code debezium.<connector>:type=connector-metrics,context=snapshot,server=<prefix>}:
 *       {@code RowsScanned} per table, {@code TotalTableCount}, {@code RemainingTableCount}, {@code SnapshotRunning},
 *       {@code SnapshotCompleted}, {@code SnapshotDurationInSeconds}.
 * </ul>
 *
 * A bean that goes away between the query and the read (its task stopped) is skipped. Stateless; thread-safe.
 */
final class ProgressBeans {
    private static final Logger log = LoggerFactory.getLogger(ProgressBeans.class);
    private static final ObjectName TASK_PROGRESS = objectName("vertebra.connect:type=task-progress,*");
    private static final ObjectName SNAPSHOTS = objectName("debezium.*:type=connector-metrics,context=snapshot,*");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    /** The items of every task-progress bean in this JVM, by task. */
    Map<TaskId, List<TaskProgress.Item>> taskItems() {
        Map<TaskId, List<TaskProgress.Item>> out = new TreeMap<>();
        for (ObjectName bean : server.queryNames(TASK_PROGRESS, null)) {
            try {
                String connector = unquote(bean.getKeyProperty("connector"));
                int task = Integer.parseInt(bean.getKeyProperty("task"));
                List<TaskProgress.Item> items = new ArrayList<>();
                if (server.getAttribute(bean, "Items") instanceof CompositeData[] rows) {
                    for (CompositeData row : rows) {
                        items.add(new TaskProgress.Item(
                                String.valueOf(row.get("name")),
                                String.valueOf(row.get("unit")),
                                ((Number) row.get("done")).longValue(),
                                ((Number) row.get("total")).longValue()));
                    }
                }
                out.put(new TaskId(connector, task), items);
            } catch (Exception e) {
                log.debug("cannot read progress bean {}", bean, e);
            }
        }
        return out;
    }

    /** Every Debezium snapshot bean in this JVM, by its {@code server} (the connector's topic prefix). */
    Map<String, TaskProgress.Snapshot> snapshots() {
        Map<String, TaskProgress.Snapshot> out = new TreeMap<>();
        for (ObjectName bean : server.queryNames(SNAPSHOTS, null)) {
            String prefix = bean.getKeyProperty("server");
            if (prefix == null) {
                continue;
            }
            try {
                out.put(
                        prefix,
                        new TaskProgress.Snapshot(
                                flag(bean, "SnapshotRunning"),
                                flag(bean, "SnapshotCompleted"),
                                number(bean, "TotalTableCount"),
                                number(bean, "RemainingTableCount"),
                                rowsScanned(bean),
                                number(bean, "SnapshotDurationInSeconds")));
            } catch (Exception e) {
                log.debug("cannot read snapshot bean {}", bean, e);
            }
        }
        return out;
    }

    private long number(ObjectName bean, String attribute) throws Exception {
        return server.getAttribute(bean, attribute) instanceof Number n ? n.longValue() : 0;
    }

    private boolean flag(ObjectName bean, String attribute) throws Exception {
        return Boolean.TRUE.equals(server.getAttribute(bean, attribute));
    }

    /** {@code RowsScanned}: a map of table to rows, which JMX hands over as tabular data of key/value rows. */
    private Map<String, Long> rowsScanned(ObjectName bean) throws Exception {
        Object value = server.getAttribute(bean, "RowsScanned");
        Map<String, Long> out = new TreeMap<>();
        if (value instanceof TabularData table) {
            for (Object row : table.values()) {
                CompositeData data = (CompositeData) row;
                if (data.get("value") instanceof Number n) {
                    out.put(String.valueOf(data.get("key")), n.longValue());
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v instanceof Number n) {
                    out.put(String.valueOf(k), n.longValue());
                }
            });
        }
        return out;
    }

    private static String unquote(String value) {
        return value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }

    private static ObjectName objectName(String pattern) {
        try {
            return new ObjectName(pattern);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
