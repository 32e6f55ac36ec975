package io.vertebra.runtime.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A part of the process beside the worker that reports on {@code GET /health} and {@code GET /ready}: the node's
 * embedded log hands one in that lists its offline partitions. The node launcher supplies contributors when it
 * starts the runtime, so the runtime learns about the log's state without importing log-engine classes.
 *
 * <p>A contributor describes, it never gates: a degraded one turns {@code /health}'s status to {@code degraded}
 * (still 200, so a liveness probe does not restart a node that a restart cannot fix) and shows on {@code /ready}
 * as a passing check (the node still serves everything else). Implementations are thread-safe and fast (no I/O);
 * they are called on a Vert.x worker thread for each request.
 */
public interface HealthContributor {
    /** The name the report is listed under in the {@code checks} of {@code /health} and {@code /ready}. */
    String name();

    Health check();

    /**
     * @param degraded part of what the contributor covers does not work
     * @param message one line a person can act on
     * @param details each affected item (a partition, say) with why, in a stable order; empty when not degraded
     */
    record Health(boolean degraded, String message, Map<String, String> details) {
        public Health {
            details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }
}
