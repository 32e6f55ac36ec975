package io.vertebra.log.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters one broker registered in a registry that may be shared (the node passes one registry to the broker
 * and to the Connect runtime), so that stopping the broker removes exactly its own meters and a restarted broker
 * registers fresh ones. Thread-safe.
 */
final class OwnedMeters implements AutoCloseable {
    private final MeterRegistry registry;
    private final Set<Meter> owned = ConcurrentHashMap.newKeySet();

    OwnedMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    MeterRegistry registry() {
        return registry;
    }

    /** Records {@code meter} (just registered in {@link #registry()}) as this broker's; returns it. */
    <M extends Meter> M own(M meter) {
        owned.add(meter);
        return meter;
    }

    /** Removes one of this broker's meters from the registry. */
    void remove(Meter meter) {
        owned.remove(meter);
        registry.remove(meter);
    }

    @Override
    public void close() {
        for (Meter meter : Set.copyOf(owned)) {
            remove(meter);
        }
    }
}
