package io.vertebra.runtime.worker;

import java.util.Map;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;

/** The metrics registry connectors and tasks add their own metrics to (KIP-877), tagged with their names. */
final class PluginMetricsSource {
    private static final Metrics METRICS = new Metrics();

    private PluginMetricsSource() {}

    static PluginMetrics forConnector(String connector) {
        return new PluginMetricsImpl(METRICS, Map.of("connector", connector));
    }

    static PluginMetrics forTask(io.vertebra.runtime.cluster.TaskId id) {
        return new PluginMetricsImpl(METRICS, Map.of("connector", id.connector(), "task", Integer.toString(id.task())));
    }
}
