package io.vertebra.runtime.rest.routes;

import static io.vertx.core.http.HttpMethod.GET;

import io.vertebra.runtime.health.Readiness;
import io.vertebra.runtime.rest.Http;
import io.vertebra.runtime.rest.Http.Reply;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health}: the worker is alive and has started (Kafka Connect's KIP-1017 answer: 200 {@code healthy},
 * 503 {@code starting}). {@code GET /ready}: it can do its job now (log reachable, internal topics read, group
 * joined): 200 with every check, or 503 naming what is not ready yet.
 */
public final class HealthRoutes {
    private final BooleanSupplier started;
    private final Readiness readiness;

    public HealthRoutes(BooleanSupplier started, Readiness readiness) {
        this.started = started;
        this.readiness = readiness;
    }

    private static Map<String, Object> check(boolean ready, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ready", ready);
        out.put("message", message);
        return out;
    }

    public void register(Http http) {
        http.route(
                GET,
                "/health",
                ctx -> started.getAsBoolean()
                        ? Reply.ok(Map.of(
                                "status",
                                "healthy",
                                "message",
                                "Worker has completed startup and is ready to handle requests."))
                        : new Reply(
                                503, Map.of("status", "starting", "message", "Worker is still starting up."), null));
        http.route(GET, "/ready", ctx -> {
            Readiness.Report report = readiness.check();
            Map<String, Object> checks = new LinkedHashMap<>();
            report.checks().forEach((name, check) -> checks.put(name, check(check.ready(), check.message())));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", report.ready() ? "ready" : "not_ready");
            body.put("message", report.ready() ? "ready" : "not ready yet: " + report.notReady());
            body.put("checks", checks);
            return new Reply(report.ready() ? 200 : 503, body, null);
        });
    }
}
