package io.vertebra.runtime.rest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.runtime.health.Readiness;
import io.vertebra.runtime.rest.routes.AdminRoutes;
import io.vertebra.runtime.rest.routes.ApplyRoutes;
import io.vertebra.runtime.rest.routes.ConnectorRoutes;
import io.vertebra.runtime.rest.routes.HealthRoutes;
import io.vertebra.runtime.rest.routes.MetricsRoutes;
import io.vertebra.runtime.rest.routes.PluginRoutes;
import io.vertebra.runtime.service.ConnectService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BasicAuthHandler;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.HashSet;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Time;

/**
 * The Kafka Connect REST API on Vert.x Web: one router, the routes of {@code routes/}, one error mapper. Unknown
 * paths, wrong methods, oversized bodies and missing credentials get JSON error bodies too. Blocking service calls
 * run on Vert.x worker threads, never on the event loop. HTTP Basic authentication and TLS as {@link RestSecurity}
 * says.
 */
public final class RestServer implements AutoCloseable {
    /** Where and how to listen, and which browser requests to refuse. */
    public record Settings(String host, int port, int maxBodyBytes, RestSecurity security, CrossSiteGuard guard) {}

    /**
     * What the routes serve.
     *
     * @param service the worker's service, null while it starts (connector routes then answer 503)
     * @param started true once the worker has started ({@code /health})
     * @param readiness what {@code /ready} reports
     * @param registry what {@code /metrics} exposes
     * @param beforeScrape brings state-mirroring meters up to date before a scrape
     */
    public record Backends(
            Supplier<ConnectService> service,
            BooleanSupplier started,
            Readiness readiness,
            PrometheusMeterRegistry registry,
            Runnable beforeScrape) {}

    /**
     * Bounds on connections: at most {@code maxConnections} open at once (see {@link ConnectionCap}), and a
     * connection that sends and receives nothing for {@code idleTimeoutMs} is closed.
     */
    public record Limits(int maxConnections, long idleTimeoutMs) {
        /** The defaults of rest.max.connections and rest.idle.timeout.ms. */
        public static final Limits DEFAULT = new Limits(1000, 300_000);

        public Limits {
            if (maxConnections < 1 || idleTimeoutMs < 1 || idleTimeoutMs > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxConnections must be at least 1 and idleTimeoutMs between 1 and "
                        + Integer.MAX_VALUE + ": " + maxConnections + ", " + idleTimeoutMs);
            }
        }
    }

    private final Vertx vertx;
    private final HttpServer server;
    private final ConnectionCap cap;

    private RestServer(Vertx vertx, HttpServer server, ConnectionCap cap) {
        this.vertx = vertx;
        this.server = server;
        this.cap = cap;
    }

    public static RestServer start(Settings settings, Backends backends) {
        return start(settings, backends, Limits.DEFAULT);
    }

    public static RestServer start(Settings settings, Backends backends, Limits limits) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(16));
        try {
            Router router = Router.router(vertx);
            int maxBodyBytes = settings.maxBodyBytes();
            guardCrossSite(router, settings.guard());
            router.route()
                    .handler(
                            BodyHandler.create(false).setBodyLimit(maxBodyBytes).setHandleFileUploads(false));
            RestSecurity security = settings.security();
            if (security.basicAuth()) {
                BasicAuthHandler basic = BasicAuthHandler.create(
                        credentials -> credentials instanceof UsernamePasswordCredentials c
                                        && security.authenticate(c.getUsername(), c.getPassword())
                                ? Future.succeededFuture(User.fromName(c.getUsername()))
                                : Future.failedFuture("invalid user or password"),
                        "vertebra");
                router.route().handler(ctx -> {
                    if (security.isOpen(ctx.normalizedPath())) {
                        ctx.next();
                    } else {
                        basic.handle(ctx);
                    }
                });
                router.route().handler(ctx -> {
                    String method = ctx.request().method().name();
                    if (ctx.user() == null) {
                        ctx.next(); // an open path
                        return;
                    }
                    String user = ctx.user().principal().getString("username");
                    RestSecurity.Role role = security.role(user);
                    if (role.allows(method)) {
                        ctx.next();
                    } else {
                        ErrorMapper.send(
                                ctx,
                                403,
                                "User '" + user + "' has role " + role + ", which may only read (GET, HEAD); "
                                        + method + " " + ctx.request().path() + " needs role admin (see "
                                        + "rest.basic.auth.roles)",
                                Http.JSON);
                    }
                });
            }
            router.route().handler(ctx -> {
                if (hasBody(ctx)) {
                    var refusal = CrossSiteGuard.refuseBodyType(ctx.request().getHeader("Content-Type"));
                    if (refusal.isPresent()) {
                        ErrorMapper.send(ctx, 415, refusal.get(), Http.JSON);
                        return;
                    }
                }
                ctx.next();
            });
            Http http = new Http(router);
            new HealthRoutes(backends.started(), backends.readiness()).register(http);
            new MetricsRoutes(backends.registry(), backends.beforeScrape()).register(router);
            new AdminRoutes(backends.service(), new LogLevels()).register(http);
            new ConnectorRoutes(backends.service()).register(http);
            new PluginRoutes(backends.service()).register(http);
            new ApplyRoutes(backends.service()).register(http);
            router.errorHandler(
                    401,
                    ctx -> ErrorMapper.send(
                            ctx,
                            401,
                            "Authentication required: send the HTTP Basic credentials of a user of"
                                    + " rest.basic.auth.users",
                            Http.JSON));
            router.errorHandler(
                    404,
                    ctx -> ErrorMapper.send(
                            ctx,
                            404,
                            "Unknown endpoint " + ctx.request().method() + " "
                                    + ctx.request().path(),
                            Http.JSON));
            router.errorHandler(
                    405,
                    ctx -> ErrorMapper.send(
                            ctx,
                            405,
                            "HTTP method " + ctx.request().method() + " is not supported on "
                                    + ctx.request().path(),
                            Http.JSON));
            router.errorHandler(
                    413,
                    ctx -> ErrorMapper.send(
                            ctx, 413, "Request body larger than " + maxBodyBytes + " bytes", Http.JSON));
            router.errorHandler(
                    400,
                    ctx -> ErrorMapper.send(
                            ctx,
                            400,
                            "Bad request: "
                                    + (ctx.failure() == null
                                            ? "malformed request"
                                            : ctx.failure().getMessage()),
                            Http.JSON));
            router.errorHandler(500, ctx -> ErrorMapper.respond(ctx, ctx.failure(), Http.JSON));
            ConnectionCap cap = new ConnectionCap(limits.maxConnections(), backends.registry(), Time.SYSTEM);
            HttpServer server = vertx.createHttpServer(options(settings)
                            .setIdleTimeout((int) limits.idleTimeoutMs())
                            .setIdleTimeoutUnit(TimeUnit.MILLISECONDS))
                    .connectionHandler(cap::accept)
                    .requestHandler(router)
                    .invalidRequestHandler(req -> req.response()
                            .setStatusCode(400)
                            .putHeader("Content-Type", "application/json")
                            .end("{\"error_code\":400,\"message\":\"Malformed HTTP request\"}"))
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            return new RestServer(vertx, server, cap);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException(
                    "cannot start the REST server on " + settings.host() + ":" + settings.port() + ": " + e, e);
        }
    }

    /**
     * Refuses a foreign {@code Host} or {@code Origin} with 403; answers origins of {@code rest.allowed.origins}
     * with CORS headers, and their preflight {@code OPTIONS} with 204.
     */
    private static void guardCrossSite(Router router, CrossSiteGuard guard) {
        router.route().handler(ctx -> {
            String host = hostHeader(ctx.request());
            String origin = ctx.request().getHeader("Origin");
            var refusal = guard.refuseHost(host).or(() -> guard.refuseOrigin(origin, host));
            if (refusal.isPresent()) {
                ErrorMapper.send(ctx, 403, refusal.get(), Http.JSON);
                return;
            }
            if (guard.isAllowedForeign(origin)) {
                ctx.response()
                        .putHeader("Access-Control-Allow-Origin", origin)
                        .putHeader("Access-Control-Allow-Credentials", "true")
                        .putHeader("Vary", "Origin");
                if (ctx.request().method() == HttpMethod.OPTIONS
                        && ctx.request().getHeader("Access-Control-Request-Method") != null) {
                    ctx.response()
                            .putHeader("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE")
                            .putHeader("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization")
                            .putHeader("Access-Control-Max-Age", "600")
                            .setStatusCode(204)
                            .end();
                    return;
                }
            }
            ctx.next();
        });
    }

    /** {@code Host} of HTTP/1.1, {@code :authority} of HTTP/2 (upgraded from h2c by the JDK's client); null: none. */
    private static String hostHeader(io.vertx.core.http.HttpServerRequest request) {
        var authority = request.authority();
        if (authority == null) {
            return request.getHeader("Host");
        }
        String host = authority.host().contains(":") && !authority.host().startsWith("[")
                ? "[" + authority.host() + "]"
                : authority.host();
        return authority.port() < 0 ? host : host + ":" + authority.port();
    }

    /** True when the request carries a body (a length above 0, or chunks). */
    private static boolean hasBody(io.vertx.ext.web.RoutingContext ctx) {
        if (ctx.body() != null && ctx.body().length() > 0) {
            return true;
        }
        String length = ctx.request().getHeader("Content-Length");
        return length != null && !length.trim().equals("0");
    }

    private static HttpServerOptions options(Settings settings) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(settings.port())
                .setMaxInitialLineLength(16 * 1024);
        settings.security().tls().ifPresent(tls -> {
            KeyStoreOptions keys = new KeyStoreOptions()
                    .setType(tls.keystoreType())
                    .setPath(tls.keystoreLocation())
                    .setPassword(tls.keystorePassword().value());
            if (tls.keyPassword() != null) {
                keys.setAliasPassword(tls.keyPassword().value());
            }
            options.setSsl(true)
                    .setKeyCertOptions(keys)
                    .setEnabledSecureTransportProtocols(new HashSet<>(tls.protocols()));
            if (tls.truststoreLocation() != null) {
                options.setTrustOptions(new KeyStoreOptions()
                        .setType(tls.truststoreType())
                        .setPath(tls.truststoreLocation())
                        .setPassword(tls.truststorePassword().value()));
            }
            options.setClientAuth(
                    switch (tls.clientAuth().toLowerCase(Locale.ROOT)) {
                        case "required" -> ClientAuth.REQUIRED;
                        case "requested" -> ClientAuth.REQUEST;
                        default -> ClientAuth.NONE;
                    });
        });
        return options;
    }

    public int port() {
        return server.actualPort();
    }

    /** REST connections open now. */
    public int openConnections() {
        return cap.open();
    }

    /** REST connections refused by the cap since the server started. */
    public long refusedConnections() {
        return cap.refused();
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
