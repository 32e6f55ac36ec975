package io.vertebra.runtime.rest;

import io.vertebra.runtime.rest.routes.AdminRoutes;
import io.vertebra.runtime.rest.routes.ApplyRoutes;
import io.vertebra.runtime.rest.routes.ConnectorRoutes;
import io.vertebra.runtime.rest.routes.PluginRoutes;
import io.vertebra.runtime.service.ConnectService;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Kafka Connect REST API on Vert.x Web: one router, the routes of {@code routes/}, one error mapper. Unknown
 * paths, wrong methods and oversized bodies get JSON error bodies too. Blocking service calls run on Vert.x worker
 * threads, never on the event loop.
 */
public final class RestServer implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;

    private RestServer(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static RestServer start(
            String host, int port, int maxBodyBytes, Supplier<ConnectService> service, Supplier<Boolean> ready) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(16));
        try {
            Router router = Router.router(vertx);
            router.route()
                    .handler(
                            BodyHandler.create(false).setBodyLimit(maxBodyBytes).setHandleFileUploads(false));
            Http http = new Http(router);
            new AdminRoutes(service, ready, new LogLevels()).register(http);
            new ConnectorRoutes(service).register(http);
            new PluginRoutes(service).register(http);
            new ApplyRoutes(service).register(http);
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
            HttpServer server = vertx.createHttpServer(
                            new HttpServerOptions().setHost(host).setPort(port).setMaxInitialLineLength(16 * 1024))
                    .requestHandler(router)
                    .invalidRequestHandler(req -> req.response()
                            .setStatusCode(400)
                            .putHeader("Content-Type", "application/json")
                            .end("{\"error_code\":400,\"message\":\"Malformed HTTP request\"}"))
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            return new RestServer(vertx, server);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("cannot start the REST server on " + host + ":" + port + ": " + e, e);
        }
    }

    public int port() {
        return server.actualPort();
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
