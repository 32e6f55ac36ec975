package io.vertebra.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * How the routes answer: each route parses its input, calls one service method on a worker thread (the service
 * blocks on the log) and maps the result; any failure goes through {@link ErrorMapper}.
 */
public final class Http {
    public static final ObjectMapper JSON = new ObjectMapper();

    /** A route's result: the status, an optional body and an optional Location header. */
    public record Reply(int status, Object body, String location) {
        public static Reply ok(Object body) {
            return new Reply(200, body, null);
        }

        public static Reply status(int status) {
            return new Reply(status, null, null);
        }
    }

    private final Router router;

    public Http(Router router) {
        this.router = router;
    }

    /** Registers {@code method path} (a trailing slash is accepted too) running {@code action} off the event loop. */
    public void route(io.vertx.core.http.HttpMethod method, String path, Function<RoutingContext, Reply> action) {
        Handler<RoutingContext> handler = ctx -> {
            try {
                Reply reply = action.apply(ctx);
                write(ctx, reply);
            } catch (Throwable t) {
                ErrorMapper.respond(ctx, t, JSON);
            }
        };
        router.route(method, path).blockingHandler(handler, false);
        if (!path.equals("/")) {
            router.route(method, path + "/").blockingHandler(handler, false);
        }
    }

    static void write(RoutingContext ctx, Reply reply) throws Exception {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(reply.status());
        if (reply.location() != null) {
            ctx.response().putHeader("Location", reply.location());
        }
        if (reply.body() == null) {
            ctx.response().end();
        } else {
            ctx.response().putHeader("Content-Type", "application/json").end(JSON.writeValueAsString(reply.body()));
        }
    }

    public static JsonNode body(RoutingContext ctx) {
        RequestBody body = ctx.body();
        byte[] bytes =
                body == null || body.buffer() == null ? null : body.buffer().getBytes();
        return BodyParser.parse(bytes, ctx.request().getHeader("Content-Type"));
    }

    /** A path parameter (already URL-decoded by the router). */
    public static String param(RoutingContext ctx, String name) {
        String value = ctx.pathParam(name);
        if (value == null) {
            throw RestException.badRequest("missing path parameter " + name);
        }
        return value;
    }

    public static int intParam(RoutingContext ctx, String name) {
        String value = param(ctx, name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw RestException.notFound("Task " + value + " not found: a task id is a number");
        }
    }

    /** A boolean query parameter: absent gives {@code dflt}; anything but true/false is a 400. */
    public static boolean boolQuery(RoutingContext ctx, String name, boolean dflt) {
        List<String> values = ctx.queryParam(name);
        if (values.isEmpty()) {
            return dflt;
        }
        String v = values.get(values.size() - 1).trim();
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw RestException.badRequest("Query parameter '" + name + "' must be true or false, got '" + v + "'");
    }
}
