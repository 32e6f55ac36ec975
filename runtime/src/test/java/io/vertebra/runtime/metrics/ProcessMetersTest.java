package io.vertebra.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The JVM and process families under Prometheus' names: base units, no reserved suffixes, a build info gauge. */
class ProcessMetersTest {
    @Test
    void theBindersMetersFollowPrometheusNaming() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ProcessMeters ignored = ProcessMeters.bindTo(registry)) {
            String scrape = registry.scrape();
            assertTrue(scrape.contains("\nprocess_cpu_seconds_total "), scrape);
            assertTrue(scrape.contains("\nsystem_cpu_available_processors "), scrape);
            assertTrue(scrape.contains("\njvm_classes_loaded_classes "), scrape);
            assertFalse(scrape.contains("process_cpu_time"), "nanoseconds are not a base unit");
            assertFalse(scrape.contains("system_cpu_count"), "_count is reserved for histograms and summaries");
            assertFalse(scrape.contains("jvm_classes_loaded_count"), "no _count_..._total");
            assertNotEquals("unknown", BuildVersion.current(), "the build writes the version resource");
            assertTrue(scrape.contains("\nvertebra_build_info{version=\"" + BuildVersion.current() + "\"} 1"), scrape);
        } finally {
            registry.close();
        }
    }
}
