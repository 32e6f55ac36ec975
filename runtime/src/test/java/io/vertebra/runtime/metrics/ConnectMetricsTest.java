package io.vertebra.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.runtime.cluster.Assignment;
import io.vertebra.runtime.cluster.Status;
import io.vertebra.runtime.cluster.TaskId;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Connect families as Prometheus scrapes them: names, labels, values, and removal when parts stop. */
class ConnectMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConnectMetrics metrics = new ConnectMetrics(registry);

    @AfterEach
    void close() {
        metrics.close();
        registry.close();
    }

    private String scrape() {
        metrics.refresh();
        return registry.scrape();
    }

    private static WorkerView view(Assignment assignment, Map<String, Status> connectors, Map<TaskId, Status> tasks) {
        return new WorkerView(assignment, connectors, tasks);
    }

    private record WorkerView(Assignment assignment, Map<String, Status> connectors, Map<TaskId, Status> tasks)
            implements ConnectMetrics.WorkerView {
        @Override
        public Optional<Status> connectorStatus(String connector) {
            return Optional.ofNullable(connectors.get(connector));
        }

        @Override
        public Map<Integer, Status> taskStatuses(String connector) {
            Map<Integer, Status> out = new java.util.HashMap<>();
            tasks.forEach((id, s) -> {
                if (id.connector().equals(connector)) {
                    out.put(id.task(), s);
                }
            });
            return out;
        }

        @Override
        public Map<String, String> connectorConfig(String connector) {
            return connector.equals("pg") ? Map.of("topic.prefix", "shop") : Map.of();
        }
    }

    @Test
    void statesOfWhatThisWorkerRunsAreCountedAndListed() {
        TaskId a0 = new TaskId("a", 0);
        TaskId a1 = new TaskId("a", 1);
        Assignment assignment =
                new Assignment(3, "w1", Set.of("a", "b"), Set.of(a0, a1), false, Map.of("w1", "u1", "w2", "u2"), 10);
        metrics.attach(view(
                assignment,
                Map.of("a", new Status(Status.RUNNING, null, "w1"), "b", new Status(Status.FAILED, "trace", "w1")),
                Map.of(a0, new Status(Status.RUNNING, null, "w1"))));
        metrics.rebalanced(assignment);
        String text = scrape();
        assertTrue(text.contains("vertebra_connect_connectors{state=\"RUNNING\"} 1.0"), text);
        assertTrue(text.contains("vertebra_connect_connectors{state=\"FAILED\"} 1.0"), text);
        assertTrue(text.contains("vertebra_connect_connectors{state=\"PAUSED\"} 0.0"), text);
        assertTrue(text.contains("vertebra_connect_tasks{state=\"RUNNING\"} 1.0"), text);
        assertTrue(text.contains("vertebra_connect_tasks{state=\"UNASSIGNED\"} 1.0"), "a task with no status yet");
        assertTrue(text.contains("vertebra_connect_connector_state{connector=\"b\",state=\"FAILED\"} 1.0"), text);
        assertTrue(
                text.contains("vertebra_connect_task_state{connector=\"a\",state=\"UNASSIGNED\",task=\"1\"} 1.0"),
                text);
        assertTrue(text.contains("vertebra_connect_rebalances_total 1.0"), text);
        assertTrue(text.contains("vertebra_connect_workers 2.0"), text);

        metrics.attach(view(
                new Assignment(4, "w1", Set.of("a"), Set.of(), false, Map.of("w1", "u1"), 11),
                Map.of("a", new Status(Status.PAUSED, null, "w1")),
                Map.of()));
        text = scrape();
        assertTrue(text.contains("vertebra_connect_connector_state{connector=\"a\",state=\"PAUSED\"} 1.0"), text);
        assertFalse(text.contains("connector=\"b\""), "a connector that moved away leaves no series: " + text);
        assertFalse(text.contains("vertebra_connect_task_state{"), text);

        metrics.attach(null);
        text = scrape();
        assertTrue(text.contains("vertebra_connect_connectors{state=\"PAUSED\"} 0.0"), "stopped worker: " + text);
    }

    @Test
    void taskMetersCountAndGoAwayWhenTheTaskStops() {
        TaskMetrics sink = metrics.task(new TaskId("s", 2), true);
        sink.recordsIn(10);
        sink.put(8, TimeUnit.MILLISECONDS.toNanos(3));
        sink.lag(42);
        sink.recordError("VALUE_CONVERTER");
        sink.recordError("VALUE_CONVERTER");
        sink.recordSkipped();
        sink.retry();
        sink.deadLetter(true);
        sink.deadLetter(false);
        sink.offsetCommit(TimeUnit.MILLISECONDS.toNanos(7), true);
        sink.offsetCommit(TimeUnit.MILLISECONDS.toNanos(7), false);
        TaskMetrics source = metrics.task(new TaskId("f", 0), false);
        source.recordsIn(5);
        source.recordWritten();

        String text = scrape();
        String s = "{connector=\"s\",task=\"2\"}";
        assertTrue(text.contains("vertebra_connect_sink_records_read_total" + s + " 10.0"), text);
        assertTrue(text.contains("vertebra_connect_sink_records_put_total" + s + " 8.0"), text);
        assertTrue(text.contains("vertebra_connect_sink_put_seconds_count" + s + " 1"), text);
        assertTrue(text.contains("vertebra_connect_sink_consumer_lag_records" + s + " 42.0"), text);
        assertTrue(
                text.contains(
                        "vertebra_connect_record_errors_total{connector=\"s\",stage=\"VALUE_CONVERTER\",task=\"2\"} 2.0"),
                text);
        assertTrue(text.contains("vertebra_connect_records_skipped_total" + s + " 1.0"), text);
        assertTrue(text.contains("vertebra_connect_retries_total" + s + " 1.0"), text);
        assertTrue(text.contains("vertebra_connect_dlq_records_produced_total" + s + " 1.0"), text);
        assertTrue(text.contains("vertebra_connect_dlq_produce_failures_total" + s + " 1.0"), text);
        assertTrue(text.contains("vertebra_connect_offset_commit_seconds_count" + s + " 2"), text);
        assertTrue(
                text.contains(
                        "vertebra_connect_offset_commit_seconds_bucket{connector=\"s\",task=\"2\",le=\"0.01\"} 2"),
                "a histogram dashboards can take quantiles of: " + text);
        assertTrue(text.contains("vertebra_connect_offset_commit_failures_total" + s + " 1.0"), text);
        String f = "{connector=\"f\",task=\"0\"}";
        assertTrue(text.contains("vertebra_connect_source_records_polled_total" + f + " 5.0"), text);
        assertTrue(text.contains("vertebra_connect_source_records_written_total" + f + " 1.0"), text);
        assertFalse(text.contains("vertebra_connect_sink_records_read_total" + f), "sources have no sink meters");

        sink.close();
        text = scrape();
        assertFalse(text.contains("connector=\"s\""), "a stopped task leaves no series: " + text);
        assertTrue(text.contains("vertebra_connect_source_records_polled_total" + f + " 5.0"), text);

        metrics.close();
        source.close();
        assertFalse(registry.scrape().contains("vertebra_connect_"), registry.scrape());
    }

    /** The attributes of Debezium's snapshot bean that are read, with RowsScanned as JMX hands a Map over. */
    public interface TestSnapshotMXBean {
        int getTotalTableCount();

        int getRemainingTableCount();

        boolean getSnapshotRunning();

        boolean getSnapshotCompleted();

        long getSnapshotDurationInSeconds();

        Map<String, Long> getRowsScanned();
    }

    private static TestSnapshotMXBean snapshotBean() {
        return new TestSnapshotMXBean() {
            public int getTotalTableCount() {
                return 2;
            }

            public int getRemainingTableCount() {
                return 1;
            }

            public boolean getSnapshotRunning() {
                return true;
            }

            public boolean getSnapshotCompleted() {
                return false;
            }

            public long getSnapshotDurationInSeconds() {
                return 12;
            }

            public Map<String, Long> getRowsScanned() {
                return Map.of("public.orders", 52431L, "public.customers", 900L);
            }
        };
    }

    @Test
    void debeziumSnapshotBeansBecomeSnapshotGaugesOfTheirConnector() throws Exception {
        ObjectName name = new ObjectName("debezium.postgres:type=connector-metrics,context=snapshot,server=shop");
        TestSnapshotMXBean bean = snapshotBean();
        ManagementFactory.getPlatformMBeanServer().registerMBean(bean, name);
        try {
            metrics.attach(view(
                    new Assignment(1, "w1", Set.of("pg"), Set.of(new TaskId("pg", 0)), false, Map.of(), 1),
                    Map.of(),
                    Map.of()));
            String text = scrape();
            assertTrue(
                    text.contains(
                            "vertebra_connect_snapshot_rows_scanned{connector=\"pg\",table=\"public.orders\"} 52431.0"),
                    text);
            assertTrue(text.contains("vertebra_connect_snapshot_tables{connector=\"pg\"} 2.0"), text);
            assertTrue(text.contains("vertebra_connect_snapshot_tables_remaining{connector=\"pg\"} 1.0"), text);
            assertTrue(text.contains("vertebra_connect_snapshot_running{connector=\"pg\"} 1.0"), text);
            assertTrue(text.contains("vertebra_connect_snapshot_completed{connector=\"pg\"} 0.0"), text);
            assertTrue(text.contains("vertebra_connect_snapshot_duration_seconds{connector=\"pg\"} 12.0"), text);
        } finally {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
        assertFalse(scrape().contains("vertebra_connect_snapshot_tables{"), "the bean is gone, so are its rows");
    }

    /** The shape of the task-progress bean the file source publishes (its MXBean interface, copied). */
    public interface TestTaskProgressMXBean {
        List<Item> getItems();

        final class Item {
            private final String name;
            private final long done;

            Item(String name, long done) {
                this.name = name;
                this.done = done;
            }

            public String getName() {
                return name;
            }

            public String getUnit() {
                return "bytes";
            }

            public long getDone() {
                return done;
            }

            public long getTotal() {
                return 1000;
            }
        }
    }

    @Test
    void taskProgressBeansBecomeProgressGaugesAndTheTasksProgress() throws Exception {
        ObjectName files = new ObjectName(
                "vertebra.connect:type=task-progress,connector=" + ObjectName.quote("logs, \"all\"") + ",task=1");
        ObjectName snapshot = new ObjectName("debezium.postgres:type=connector-metrics,context=snapshot,server=shop");
        TestTaskProgressMXBean bean = () -> List.of(new TestTaskProgressMXBean.Item("/var/log/a.log", 400));
        ManagementFactory.getPlatformMBeanServer().registerMBean(bean, files);
        ManagementFactory.getPlatformMBeanServer().registerMBean(snapshotBean(), snapshot);
        try {
            metrics.attach(view(
                    new Assignment(
                            1,
                            "w1",
                            Set.of("logs, \"all\"", "pg"),
                            Set.of(new TaskId("logs, \"all\"", 1), new TaskId("pg", 0)),
                            false,
                            Map.of(),
                            1),
                    Map.of(),
                    Map.of()));
            String text = scrape();
            assertTrue(
                    text.contains("vertebra_connect_task_progress_remaining_bytes{connector=\"logs, \\\"all\\\"\","
                            + "item=\"/var/log/a.log\",task=\"1\"} 600.0"),
                    text);
            assertTrue(text.contains("vertebra_connect_task_progress_done_bytes{"), text);

            Map<Integer, TaskProgress> logs = metrics.progress("logs, \"all\"");
            assertEquals(
                    Map.of(
                            1,
                            new TaskProgress(
                                    List.of(new TaskProgress.Item("/var/log/a.log", "bytes", 400, 1000)), null)),
                    logs);
            assertEquals(600, logs.get(1).items().get(0).remaining());
            TaskProgress.Snapshot pg = metrics.progress("pg").get(0).snapshot();
            assertEquals(1, pg.tablesDone());
            assertEquals(2, pg.tablesTotal());
            assertEquals(52431 + 900, pg.rowsDone());
            assertTrue(pg.running());
        } finally {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(files);
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(snapshot);
        }
        assertFalse(scrape().contains("vertebra_connect_task_progress_remaining_bytes{"), "gone with its bean");
        assertEquals(Map.of(), metrics.progress("pg"));
    }

    @Test
    void everyConnectFamilyTheGrafanaDashboardQueriesExists() throws Exception {
        ObjectName name = new ObjectName("debezium.postgres:type=connector-metrics,context=snapshot,server=shop");
        ManagementFactory.getPlatformMBeanServer().registerMBean(snapshotBean(), name);
        try {
            metrics.attach(view(
                    new Assignment(1, "w1", Set.of("pg"), Set.of(new TaskId("pg", 0)), false, Map.of(), 1),
                    Map.of(),
                    Map.of()));
            TaskMetrics sink = metrics.task(new TaskId("s", 0), true);
            TaskMetrics source = metrics.task(new TaskId("pg", 0), false);
            sink.recordError("TASK_PUT");
            Set<String> families = new java.util.TreeSet<>();
            for (String line : scrape().split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    families.add(line.split(" ")[2]);
                }
            }
            String dashboard = java.nio.file.Files.readString(
                    io.vertebra.testkit.ProjectLayout.root().resolve("docker/grafana/dashboards/vertebra.json"));
            java.util.regex.Matcher used =
                    java.util.regex.Pattern.compile("vertebra_connect_[a-z_]+").matcher(dashboard);
            Set<String> missing = new java.util.TreeSet<>();
            int count = 0;
            while (used.find()) {
                count++;
                String family = used.group().replaceFirst("_(bucket|count|sum)$", "");
                if (!families.contains(family)) {
                    missing.add(used.group());
                }
            }
            assertTrue(count >= 20, "the dashboard queries the Connect families: " + count);
            assertTrue(missing.isEmpty(), "the dashboard queries families the worker does not export: " + missing);
            sink.close();
            source.close();
        } finally {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        }
    }
}
