package io.vertebra.log.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertebra.log.network.RequestObserver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Request meters, fed by the listener as each response is ready:
 *
 * <ul>
 *   <li>{@value #REQUESTS} (timer; tags {@code api}, {@code version}): count and latency from the frame read to
 *       the response ready, parked time included, with histogram buckets from 1 ms to 10 s;
 *   <li>{@value #ERRORS} (counter; tags {@code api}, {@code error}): error codes in responses, one per partition
 *       or resource that failed (as Kafka's {@code ErrorsPerSec});
 *   <li>{@value #AUTHENTICATIONS} (counter; tags {@code mechanism}, {@code result}): SASL outcomes.
 * </ul>
 *
 * Meters are created on first use per (API, version) and (API, error) and then found by array index: the request
 * path allocates no tags. Called from the network threads concurrently; the arrays are lock-free and a race
 * only registers the same meter twice, which Micrometer resolves to one.
 */
public final class RequestMetrics implements RequestObserver {
    public static final String REQUESTS = "vertebra.broker.requests";
    public static final String ERRORS = "vertebra.broker.request.errors";
    public static final String AUTHENTICATIONS = "vertebra.broker.authentications";

    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10)
    };
    private static final int API_SLOTS = maxApiId() + 1;
    private static final int VERSION_SLOTS = maxVersion() + 1;
    private static final int ERROR_SLOTS = Errors.values().length;

    private final OwnedMeters meters;
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(API_SLOTS * VERSION_SLOTS);
    private final AtomicReferenceArray<Counter> errors = new AtomicReferenceArray<>(API_SLOTS * ERROR_SLOTS);

    RequestMetrics(OwnedMeters meters) {
        this.meters = meters;
    }

    @Override
    public void onResponse(RequestHeader header, long receivedNs, AbstractResponse response) {
        ApiKeys api = header.apiKey();
        timer(api, header.apiVersion()).record(System.nanoTime() - receivedNs, TimeUnit.NANOSECONDS);
        Map<Errors, Integer> counts = response.errorCounts();
        for (Map.Entry<Errors, Integer> e : counts.entrySet()) {
            if (e.getKey() != Errors.NONE) {
                errors(api, e.getKey()).increment(e.getValue());
            }
        }
    }

    @Override
    public void onAuthentication(String mechanism, boolean succeeded) {
        // rare (once per connection): looked up by tags
        meters.own(Counter.builder(AUTHENTICATIONS)
                        .description("SASL authentications on the Kafka listener, by mechanism and result")
                        .tag("mechanism", mechanism)
                        .tag("result", succeeded ? "success" : "failure")
                        .register(meters.registry()))
                .increment();
    }

    private Timer timer(ApiKeys api, short version) {
        int v = version >= 0 && version < VERSION_SLOTS ? version : VERSION_SLOTS - 1;
        int slot = api.id * VERSION_SLOTS + v;
        Timer timer = timers.get(slot);
        if (timer == null) {
            timer = meters.own(Timer.builder(REQUESTS)
                    .description("Kafka requests served, by API and version: count and time from arrival to"
                            + " response (waits for replication or new data included)")
                    .tag("api", api.name)
                    .tag("version", Short.toString(version))
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(meters.registry()));
            timers.compareAndSet(slot, null, timer);
        }
        return timer;
    }

    private Counter errors(ApiKeys api, Errors error) {
        int slot = api.id * ERROR_SLOTS + error.ordinal();
        Counter counter = errors.get(slot);
        if (counter == null) {
            counter = meters.own(Counter.builder(ERRORS)
                    .description("Error codes in Kafka responses, by API and error (one per failed partition or"
                            + " resource)")
                    .tag("api", api.name)
                    .tag("error", error.name())
                    .register(meters.registry()));
            errors.compareAndSet(slot, null, counter);
        }
        return counter;
    }

    private static int maxApiId() {
        int max = 0;
        for (ApiKeys api : ApiKeys.values()) {
            max = Math.max(max, api.id);
        }
        return max;
    }

    private static int maxVersion() {
        int max = 0;
        for (ApiKeys api : ApiKeys.values()) {
            max = Math.max(max, api.latestVersion(true));
        }
        return max;
    }
}
