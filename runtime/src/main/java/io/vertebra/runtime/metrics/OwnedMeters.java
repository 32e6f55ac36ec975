package io.vertebra.runtime.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters one part of the worker registered in a registry it may share with others (the node's broker, the JVM
 * binders): closing the part removes exactly these and leaves the registry and everyone else's meters alone.
 * Thread-safe.
 */
final class OwnedMeters {
    private final MeterRegistry registry;
    private final Set<Meter> meters = ConcurrentHashMap.newKeySet();

    OwnedMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    MeterRegistry registry() {
        return registry;
    }

    <T extends Meter> T own(T meter) {
        meters.add(meter);
        return meter;
    }

    /** Removes every meter registered through {@link #own}. */
    void removeAll() {
        for (Meter meter : meters) {
            registry.remove(meter);
        }
        meters.clear();
    }
}
