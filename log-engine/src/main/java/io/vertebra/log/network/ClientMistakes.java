package io.vertebra.log.network;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a client's protocol mistakes (and broker failures a request revealed) (a version this broker does not serve, a frame that does not parse) as one
 * WARN line per kind, client and API a minute, with the number left out since: a misbehaving client in a loop
 * cannot flood the node log, and an operator still learns which client and API to look at. Never a stack
 * trace: the mistake is the client's, not the broker's. Thread-safe (every network thread shares one).
 */
final class ClientMistakes {
    static final long INTERVAL_NS = TimeUnit.MINUTES.toNanos(1);
    /** Kinds, clients and APIs remembered at most; past it the memory is dropped rather than grown. */
    private static final int MAX_KEYS = 10_000;

    private final Logger log;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long startNs;
        long suppressed;

        Window(long startNs) {
            this.startNs = startNs;
        }
    }

    ClientMistakes(Logger log, LongSupplier nanoTime) {
        this.log = log;
        this.nanoTime = nanoTime;
    }

    /**
     * Logs {@code message} (with {@code args}) unless a mistake with the same {@code key} was logged within the
     * last minute; returns whether it was logged.
     */
    boolean warn(String key, String message, Object... args) {
        return log(false, key, message, args);
    }

    /** As {@link #warn}, at ERROR: for the broker's own failures that a client's request revealed. */
    boolean error(String key, String message, Object... args) {
        return log(true, key, message, args);
    }

    private boolean log(boolean error, String key, String message, Object... args) {
        long now = nanoTime.getAsLong();
        if (windows.size() > MAX_KEYS) {
            windows.clear();
        }
        long[] suppressed = {-1};
        windows.compute(key, (k, w) -> {
            if (w == null) {
                suppressed[0] = 0;
                return new Window(now);
            }
            if (now - w.startNs >= INTERVAL_NS) {
                suppressed[0] = w.suppressed;
                w.startNs = now;
                w.suppressed = 0;
            } else {
                w.suppressed++;
            }
            return w;
        });
        if (suppressed[0] < 0) {
            return false;
        }
        String line = suppressed[0] == 0 ? message : message + " (" + suppressed[0] + " more like it not logged)";
        if (error) {
            log.error(line, args);
        } else {
            log.warn(line, args);
        }
        return true;
    }
}
