package io.vertebra.runtime.rest.routes;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.runtime.rest.ErrorMapper;
import io.vertebra.runtime.rest.Http;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: every meter of the registry in Prometheus' text format (OpenMetrics when the scraper asks
 * for it in {@code Accept}). The scrape runs on a worker thread, after {@code beforeScrape} brought the meters that
 * mirror the worker's state up to date.
 */
public final class MetricsRoutes {
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Runnable beforeScrape;

    public MetricsRoutes(PrometheusMeterRegistry registry, Runnable beforeScrape) {
        this.registry = registry;
        this.beforeScrape = beforeScrape;
    }

    public void register(Router router) {
        router.route(HttpMethod.GET, "/metrics").blockingHandler(this::scrape, false);
        router.route(HttpMethod.GET, "/metrics/").blockingHandler(this::scrape, false);
    }

    private void scrape(RoutingContext ctx) {
        try {
            String accept = ctx.request().getHeader("Accept");
            String type = accept != null && accept.contains("application/openmetrics-text")
                    ? OPENMETRICS_TEXT
                    : PROMETHEUS_TEXT;
            beforeScrape.run();
            String body = registry.scrape(type);
            ctx.response().setStatusCode(200).putHeader("Content-Type", type).end(body);
        } catch (Throwable t) {
            ErrorMapper.respond(ctx, t, Http.JSON);
        }
    }
}
