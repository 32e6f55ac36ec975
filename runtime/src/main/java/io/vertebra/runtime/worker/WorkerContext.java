package io.vertebra.runtime.worker;

import io.vertebra.runtime.cluster.ConfigStore;
import io.vertebra.runtime.cluster.StatusStore;
import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.metrics.ConnectMetrics;
import io.vertebra.runtime.offsets.OffsetStore;
import io.vertebra.runtime.plugins.Plugins;
import org.apache.kafka.clients.admin.Admin;

/**
 * What every runner of this worker shares: settings, plugins, stores, the admin client and the meters. Immutable; the parts are
 * thread-safe.
 */
public record WorkerContext(
        String workerId,
        WorkerConfig config,
        Plugins plugins,
        ConfigProviders providers,
        ConfigStore configStore,
        StatusStore statusStore,
        OffsetStore offsetStore,
        Admin admin,
        ConnectMetrics metrics) {}
