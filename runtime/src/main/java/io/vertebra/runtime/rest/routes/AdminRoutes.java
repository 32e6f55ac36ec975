package io.vertebra.runtime.rest.routes;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.runtime.rest.BodyParser;
import io.vertebra.runtime.rest.Http;
import io.vertebra.runtime.rest.Http.Reply;
import io.vertebra.runtime.rest.RestException;
import io.vertebra.runtime.rest.entities.ServerInfo;
import io.vertebra.runtime.service.ConnectService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.AppInfoParser;

/** {@code GET /} and {@code /admin/loggers}. */
public final class AdminRoutes {
    private final java.util.function.Supplier<ConnectService> services;
    private final io.vertebra.runtime.rest.LogLevels loggers;

    public AdminRoutes(
            java.util.function.Supplier<ConnectService> services, io.vertebra.runtime.rest.LogLevels loggers) {
        this.services = services;
        this.loggers = loggers;
    }

    private ConnectService service() {
        ConnectService s = services.get();
        if (s == null) {
            throw new io.vertebra.runtime.rest.RestException(503, "Worker is still starting up; try again shortly");
        }
        return s;
    }

    public void register(Http http) {
        http.route(
                GET,
                "/",
                ctx -> Reply.ok(new ServerInfo(
                        AppInfoParser.getVersion(),
                        AppInfoParser.getCommitId(),
                        service().kafkaClusterId())));
        http.route(GET, "/admin/loggers", ctx -> {
            Map<String, Object> out = new LinkedHashMap<>();
            loggers.all().forEach((name, level) -> out.put(name, level));
            return Reply.ok(out);
        });
        http.route(GET, "/admin/loggers/:logger", ctx -> {
            String name = Http.param(ctx, "logger");
            Object level = loggers.get(name);
            if (level == null) {
                throw RestException.notFound("Logger " + name + " not found.");
            }
            return Reply.ok(level);
        });
        http.route(PUT, "/admin/loggers/:logger", ctx -> {
            String name = Http.param(ctx, "logger");
            JsonNode body = BodyParser.object(Http.body(ctx), "The request body");
            JsonNode level = body.get("level");
            if (level == null || !level.isTextual() || level.asText().isBlank()) {
                throw RestException.badRequest("Desired 'level' parameter was not specified in request.");
            }
            if (!loggers.isLevel(level.asText())) {
                throw RestException.notFound("invalid log level '" + level.asText() + "'.");
            }
            List<String> scopes = ctx.queryParam("scope");
            boolean cluster = !scopes.isEmpty() && "cluster".equalsIgnoreCase(scopes.get(0));
            List<String> affected = loggers.set(name, level.asText());
            return cluster ? Reply.status(204) : Reply.ok(affected);
        });
    }
}
