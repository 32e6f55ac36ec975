package io.vertebra.runtime.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The JVM and process meters of Micrometer's binders ({@code jvm_memory_*}, {@code jvm_gc_*}, {@code jvm_threads_*},
 * {@code jvm_classes_*}, {@code process_cpu_usage}, {@code process_uptime_seconds}, {@code process_files_*},
 * {@code system_cpu_*}) and {@code vertebra_build_info}. Bound once per process by whoever owns the registry: the
 * node, or a worker started without one.
 *
 * <p>Three of the binders' meters break Prometheus' naming rules, so {@link #PROMETHEUS_CONVENTIONS} replaces them:
 * {@code process.cpu.time} counts nanoseconds ({@code process_cpu_time_ns_total}; Prometheus wants base units), so it
 * becomes {@code process_cpu_seconds_total} (the name Prometheus' own clients use); {@code system.cpu.count} would end
 * in the reserved {@code _count} suffix, so it becomes {@code system_cpu_available_processors}; and
 * {@code jvm.classes.loaded.count} would print as {@code jvm_classes_loaded_count_classes_total}, so it is dropped (it
 * equals {@code jvm_classes_loaded_classes + jvm_classes_unloaded_classes_total}).
 */
public final class ProcessMeters implements AutoCloseable {
    private final JvmGcMetrics gc;

    private ProcessMeters(JvmGcMetrics gc) {
        this.gc = gc;
    }

    /** {@code vertebra_build_info}: 1, its {@code version} label the product version ({@link BuildVersion}). */
    public static final String BUILD_INFO = "vertebra.build.info";

    /** Renames and drops the binders' meters whose Prometheus names break its conventions (see above). */
    static final MeterFilter PROMETHEUS_CONVENTIONS = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            return id.getName().equals("process.cpu.time") || id.getName().equals("jvm.classes.loaded.count")
                    ? MeterFilterReply.DENY
                    : MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count")
                    ? id.withName("system.cpu.available").withBaseUnit("processors")
                    : id;
        }
    };

    /**
     * Binds the JVM and process meters and {@code vertebra_build_info{version=...} 1}. Call before any other meter is
     * registered: the naming filter applies only to meters registered after it.
     */
    public static ProcessMeters bindTo(MeterRegistry registry) {
        registry.config().meterFilter(PROMETHEUS_CONVENTIONS);
        Gauge.builder(BUILD_INFO, () -> 1)
                .tag("version", BuildVersion.current())
                .description("1, labelled with the version of Vertebra this process runs.")
                .register(registry);
        processCpuSeconds(registry);
        new JvmInfoMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new ProcessMeters(gc);
    }

    /** CPU time of the process in seconds, Prometheus' {@code process_cpu_seconds_total}, when the JVM reports it. */
    private static void processCpuSeconds(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", sun, b -> b.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time the process has used.")
                    .register(registry);
        }
    }

    /** Stops listening for garbage collections. */
    @Override
    public void close() {
        gc.close();
    }
}
