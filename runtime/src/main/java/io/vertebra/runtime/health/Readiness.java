package io.vertebra.runtime.health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the worker can do its job now: the log answers, the internal topics are read, the worker is in its Connect
 * group. {@code GET /ready} answers with {@link #check()}. Implementations are thread-safe and may block briefly (a
 * bounded round trip to the log), so callers run them off the event loop.
 */
public interface Readiness {
    Report check();

    /** One aspect of readiness and why it is (not) ready. */
    record Check(boolean ready, String message) {}

    /** Every check, in a stable order; the worker is ready when all are. */
    record Report(Map<String, Check> checks) {
        public Report {
            checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }

        public boolean ready() {
            return checks.values().stream().allMatch(Check::ready);
        }

        /** The names of the checks that are not ready, comma-separated; empty when ready. */
        public String notReady() {
            return String.join(
                    ", ",
                    checks.entrySet().stream()
                            .filter(e -> !e.getValue().ready())
                            .map(Map.Entry::getKey)
                            .toList());
        }
    }
}
