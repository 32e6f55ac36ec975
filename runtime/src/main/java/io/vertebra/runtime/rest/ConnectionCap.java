package io.vertebra.runtime.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpConnection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code rest.max.connections} REST connections at once: a connection beyond the cap is closed as soon as it
 * is accepted, before it can send a request, while the open ones keep working. Refusals are counted
 * ({@code vertebra_connect_rest_connections_refused_total}) and logged at most once every {@value #LOG_INTERVAL_MS} ms with how many there were, so
 * a flood of connections cannot flood the log too.
 *
 * <p>Called on the Vert.x event loops (there are several): the counts are atomics, nothing blocks.
 */
final class ConnectionCap {
    private static final Logger log = LoggerFactory.getLogger(ConnectionCap.class);
    static final String REFUSED_METER = "vertebra.connect.rest.connections.refused";
    static final String OPEN_METER = "vertebra.connect.rest.connections";
    static final long LOG_INTERVAL_MS = 10_000;

    private final int maxConnections;
    private final Time time;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastLogMs = new AtomicLong(Long.MIN_VALUE);
    private final Counter refusedCounter;

    ConnectionCap(int maxConnections, MeterRegistry registry, Time time) {
        this.maxConnections = maxConnections;
        this.time = time;
        if (registry == null) {
            this.refusedCounter = null;
        } else {
            this.refusedCounter = Counter.builder(REFUSED_METER)
                    .description("REST connections closed at once because rest.max.connections were open")
                    .register(registry);
            Gauge.builder(OPEN_METER, open, AtomicInteger::get)
                    .description("REST connections open now")
                    .register(registry);
        }
    }

    /** The connection handler of the HTTP server: admits {@code connection} or closes it. */
    void accept(HttpConnection connection) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            refuse(connection);
            return;
        }
        connection.closeHandler(closed -> open.decrementAndGet());
    }

    private void refuse(HttpConnection connection) {
        refused.incrementAndGet();
        if (refusedCounter != null) {
            refusedCounter.increment();
        }
        refusedSinceLog.incrementAndGet();
        long nowMs = time.milliseconds();
        long last = lastLogMs.get();
        if ((last == Long.MIN_VALUE || nowMs - last >= LOG_INTERVAL_MS) && lastLogMs.compareAndSet(last, nowMs)) {
            log.warn(
                    "REST connection from {} refused: {} connections are open, the most rest.max.connections allows;"
                            + " {} refused since the last such message",
                    connection.remoteAddress(),
                    maxConnections,
                    refusedSinceLog.getAndSet(0));
        }
        connection.close();
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }

    /** Connections refused since the server started. */
    long refused() {
        return refused.get();
    }
}
