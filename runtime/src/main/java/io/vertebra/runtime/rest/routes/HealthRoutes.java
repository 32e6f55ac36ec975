package io.vertebra.runtime.rest.routes;

import static io.vertx.core.http.HttpMethod.GET;

import io.vertebra.runtime.health.HealthContributor;
import io.vertebra.runtime.health.Readiness;
import io.vertebra.runtime.rest.Http;
import io.vertebra.runtime.rest.Http.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health}: the worker is alive and has started (Kafka Connect's KIP-1017 answer: 200 {@code healthy},
 * 503 {@code starting}). {@code GET /ready}: it can do its job now (log reachable, internal topics read, group
 * joined): 200 with every check, or 503 naming what is not ready yet. The {@link HealthContributor}s (the
 * node's embedded log) appear in the {@code checks} of both; a degraded one makes {@code /health} answer 200
 * {@code degraded} naming it, and never makes {@code /ready} fail.
 */
public final class HealthRoutes {
    private final BooleanSupplier started;
    private final Readiness readiness;
    private final List<HealthContributor> contributors;

    public HealthRoutes(BooleanSupplier started, Readiness readiness, List<HealthContributor> contributors) {
        this.started = started;
        this.readiness = readiness;
        this.contributors = List.copyOf(contributors);
    }

    private static Map<String, Object> check(boolean ready, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ready", ready);
        out.put("message", message);
        return out;
    }

    public void register(Http http) {
        http.route(GET, "/health", ctx -> health());
        http.route(GET, "/ready", ctx -> {
            Readiness.Report report = readiness.check();
            Map<String, Object> checks = new LinkedHashMap<>();
            report.checks().forEach((name, check) -> checks.put(name, check(check.ready(), check.message())));
            for (HealthContributor contributor : contributors) {
                HealthContributor.Health health = contributor.check();
                Map<String, Object> check = check(true, health.message());
                check.put("details", health.details());
                checks.put(contributor.name(), check);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", report.ready() ? "ready" : "not_ready");
            body.put("message", report.ready() ? "ready" : "not ready yet: " + report.notReady());
            body.put("checks", checks);
            return new Reply(report.ready() ? 200 : 503, body, null);
        });
    }

    private Reply health() {
        Map<String, Object> checks = new LinkedHashMap<>();
        List<String> degraded = new ArrayList<>();
        for (HealthContributor contributor : contributors) {
            HealthContributor.Health health = contributor.check();
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("status", health.degraded() ? "degraded" : "ok");
            check.put("message", health.message());
            check.put("details", health.details());
            checks.put(contributor.name(), check);
            if (health.degraded()) {
                degraded.add(contributor.name() + ": " + health.message());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (!started.getAsBoolean()) {
            body.put("status", "starting");
            body.put("message", "Worker is still starting up.");
        } else if (degraded.isEmpty()) {
            body.put("status", "healthy");
            body.put("message", "Worker has completed startup and is ready to handle requests.");
        } else {
            body.put("status", "degraded");
            body.put(
                    "message",
                    "Worker has completed startup and is ready to handle requests; degraded: "
                            + String.join("; ", degraded));
        }
        if (!checks.isEmpty()) {
            body.put("checks", checks);
        }
        return new Reply(started.getAsBoolean() ? 200 : 503, body, null);
    }
}
