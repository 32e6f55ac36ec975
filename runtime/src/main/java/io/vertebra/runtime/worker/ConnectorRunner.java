package io.vertebra.runtime.worker;

import io.vertebra.runtime.cluster.Status;
import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkConnectorContext;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connector instance on this worker. All methods run on the worker's control thread, with the plugin's class
 * loader as context loader; the connector's own callbacks ({@code requestTaskReconfiguration}, {@code raiseError})
 * may come from any thread and are handed to the control thread.
 */
final class ConnectorRunner {
    private static final Logger log = LoggerFactory.getLogger(ConnectorRunner.class);

    /** What the connector may ask of the worker, from any thread. */
    interface Callbacks {
        void requestTaskReconfiguration(String connector);

        void raiseError(String connector, Throwable e);
    }

    final String name;
    final Map<String, String> rawConfig;
    final PluginDesc plugin;
    private final WorkerContext ctx;
    private final Callbacks callbacks;
    private Connector connector;
    private Map<String, String> resolved;
    private TargetState state;
    private boolean started;
    private boolean failed;

    ConnectorRunner(
            String name, Map<String, String> rawConfig, PluginDesc plugin, WorkerContext ctx, Callbacks callbacks) {
        this.name = name;
        this.rawConfig = rawConfig;
        this.plugin = plugin;
        this.ctx = ctx;
        this.callbacks = callbacks;
    }

    boolean isSink() {
        return connector instanceof SinkConnector;
    }

    boolean isFailed() {
        return failed;
    }

    TargetState state() {
        return state;
    }

    /** Creates the connector and moves it to {@code target}; a failure is reported as FAILED, not thrown. */
    void start(TargetState target) {
        try {
            withLoader(() -> {
                connector = PluginRegistry.newInstance(plugin, Connector.class);
                resolved = ctx.providers().resolve(rawConfig);
                Map<String, String> problems = ctx.providers().problems(rawConfig, resolved);
                if (!problems.isEmpty()) {
                    throw new org.apache.kafka.common.config.ConfigException(String.join("; ", problems.values()));
                }
                connector.initialize(isSinkClass() ? new SinkContext() : new SourceContext());
            });
            transitionTo(target);
        } catch (Throwable t) {
            fail(t);
        }
    }

    private boolean isSinkClass() {
        return connector instanceof SinkConnector;
    }

    void transitionTo(TargetState target) {
        if (failed) {
            return;
        }
        try {
            if (target == TargetState.STOPPED) {
                stopConnector();
                report(Status.STOPPED, null);
            } else {
                if (!started) {
                    withLoader(() -> connector.start(resolved));
                    started = true;
                }
                report(target == TargetState.PAUSED ? Status.PAUSED : Status.RUNNING, null);
            }
            state = target;
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** The connector's task configs (placeholders put back), or null when it is not running. */
    List<Map<String, String>> taskConfigs(int maxTasks) {
        if (!started || failed) {
            return null;
        }
        List<Map<String, String>> out = new ArrayList<>();
        try {
            withLoader(() -> {
                List<Map<String, String>> generated = connector.taskConfigs(maxTasks);
                boolean enforce = !"false"
                        .equalsIgnoreCase(rawConfig
                                .getOrDefault("tasks.max.enforce", "true")
                                .trim());
                if (generated.size() > maxTasks && enforce) {
                    throw new ConnectException("Connector " + name + " generated " + generated.size()
                            + " tasks, more than tasks.max=" + maxTasks);
                }
                for (Map<String, String> t : generated) {
                    Map<String, String> task = new LinkedHashMap<>(ConfigProviders.unresolve(t, rawConfig, resolved));
                    task.put("task.class", connector.taskClass().getName());
                    if (connector instanceof SinkConnector) { // Kafka Connect hands sink tasks their topics
                        for (String key : List.of("topics", "topics.regex")) {
                            if (rawConfig.containsKey(key)) {
                                task.put(key, rawConfig.get(key));
                            }
                        }
                    }
                    out.add(task);
                }
            });
        } catch (Throwable t) {
            fail(t);
            return null;
        }
        return out;
    }

    void stop() {
        try {
            stopConnector();
        } catch (Throwable t) {
            log.warn("connector {} stop() failed", name, t);
        }
    }

    private void stopConnector() {
        if (started) {
            started = false;
            withLoader(() -> connector.stop());
        }
    }

    void fail(Throwable t) {
        failed = true;
        String trace = TaskRunner.safeTrace(t, rawConfig, ctx.providers());
        log.error("connector {} failed: {}", name, trace);
        report(Status.FAILED, trace);
        try {
            stopConnector();
        } catch (Throwable ignored) {
            // already failed
        }
    }

    private void report(String state, String trace) {
        ctx.statusStore().putConnector(name, new Status(state, trace, ctx.workerId()));
    }

    private void withLoader(Runnable r) {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(plugin.loader());
        try {
            r.run();
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private class SourceContext implements SourceConnectorContext {
        @Override
        public void requestTaskReconfiguration() {
            callbacks.requestTaskReconfiguration(name);
        }

        @Override
        public void raiseError(Exception e) {
            callbacks.raiseError(name, e);
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new SourceTaskRunner.StoreOffsetReader(ctx.offsetStore(), name);
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return PluginMetricsSource.forConnector(name);
        }
    }

    private class SinkContext implements SinkConnectorContext {
        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return PluginMetricsSource.forConnector(name);
        }

        @Override
        public void requestTaskReconfiguration() {
            callbacks.requestTaskReconfiguration(name);
        }

        @Override
        public void raiseError(Exception e) {
            callbacks.raiseError(name, e);
        }
    }
}
