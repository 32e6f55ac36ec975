package io.vertebra.runtime.rest.routes;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.runtime.apply.Documents;
import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.rest.BodyParser;
import io.vertebra.runtime.rest.Http;
import io.vertebra.runtime.rest.Http.Reply;
import io.vertebra.runtime.rest.RestException;
import io.vertebra.runtime.rest.entities.ConnectorInfo;
import io.vertebra.runtime.rest.entities.ConnectorStateInfo;
import io.vertebra.runtime.service.ConnectService;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /connectors/...}: Kafka Connect's ConnectorsResource, path for path and status code for status code. */
public final class ConnectorRoutes {
    private final java.util.function.Supplier<ConnectService> services;

    public ConnectorRoutes(java.util.function.Supplier<ConnectService> services) {
        this.services = services;
    }

    private ConnectService service() {
        ConnectService s = services.get();
        if (s == null) {
            throw new io.vertebra.runtime.rest.RestException(503, "Worker is still starting up; try again shortly");
        }
        return s;
    }

    public void register(Http http) {
        http.route(GET, "/connectors", this::list);
        http.route(POST, "/connectors", this::create);
        http.route(GET, "/connectors/:name", ctx -> Reply.ok(service().info(name(ctx))));
        http.route(DELETE, "/connectors/:name", ctx -> {
            service().delete(name(ctx));
            return Reply.status(204);
        });
        http.route(GET, "/connectors/:name/config", ctx -> Reply.ok(service().connectorConfig(name(ctx))));
        http.route(PUT, "/connectors/:name/config", this::put);
        http.route(PATCH, "/connectors/:name/config", ctx -> {
            Map<String, String> patch = BodyParser.config(Http.body(ctx), "The connector config patch", true);
            return Reply.ok(service().patch(name(ctx), patch));
        });
        http.route(GET, "/connectors/:name/status", ctx -> Reply.ok(service().status(name(ctx))));
        http.route(GET, "/connectors/:name/tasks", ctx -> Reply.ok(service().tasks(name(ctx))));
        http.route(GET, "/connectors/:name/tasks-config", ctx -> {
            Map<String, Map<String, String>> out = new LinkedHashMap<>();
            service().tasks(name(ctx)).forEach(t -> out.put(t.id().connector() + "-" + t.id().task(), t.config()));
            return Reply.ok(out);
        });
        http.route(
                GET,
                "/connectors/:name/tasks/:task/status",
                ctx -> Reply.ok(service().taskStatus(name(ctx), Http.intParam(ctx, "task"))));
        http.route(POST, "/connectors/:name/tasks/:task/restart", ctx -> {
            service().restartTask(name(ctx), Http.intParam(ctx, "task"));
            return Reply.status(204);
        });
        http.route(POST, "/connectors/:name/restart", ctx -> {
            boolean includeTasks = Http.boolQuery(ctx, "includeTasks", false);
            boolean onlyFailed = Http.boolQuery(ctx, "onlyFailed", false);
            ConnectorStateInfo state = service().restart(name(ctx), includeTasks, onlyFailed);
            return state == null ? Reply.status(204) : new Reply(202, state, null);
        });
        http.route(PUT, "/connectors/:name/pause", ctx -> {
            service().setTargetState(name(ctx), TargetState.PAUSED);
            return Reply.status(202);
        });
        http.route(PUT, "/connectors/:name/resume", ctx -> {
            service().setTargetState(name(ctx), TargetState.STARTED);
            return Reply.status(202);
        });
        http.route(PUT, "/connectors/:name/stop", ctx -> {
            service().setTargetState(name(ctx), TargetState.STOPPED);
            return Reply.status(204);
        });
        http.route(GET, "/connectors/:name/topics", ctx -> {
            String name = name(ctx);
            return Reply.ok(
                    Map.of(name, Map.of("topics", new ArrayList<>(service().topics(name)))));
        });
        http.route(PUT, "/connectors/:name/topics/reset", ctx -> {
            service().resetTopics(name(ctx));
            return Reply.status(202);
        });
        http.route(
                GET,
                "/connectors/:name/offsets",
                ctx -> Reply.ok(Map.of("offsets", service().offsets(name(ctx)))));
        http.route(PATCH, "/connectors/:name/offsets", this::alterOffsets);
        http.route(
                DELETE,
                "/connectors/:name/offsets",
                ctx -> Reply.ok(Map.of("message", service().alterOffsets(name(ctx), null))));
    }

    private static String name(RoutingContext ctx) {
        return Http.param(ctx, "name");
    }

    private Reply list(RoutingContext ctx) {
        List<String> expand = new ArrayList<>();
        for (String e : ctx.queryParam("expand")) {
            for (String part : e.split(",")) {
                expand.add(part.trim());
            }
        }
        List<String> names = service().connectors();
        if (!expand.contains("status") && !expand.contains("info")) {
            return Reply.ok(names);
        }
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String name : names) {
            Map<String, Object> entry = new LinkedHashMap<>();
            try {
                if (expand.contains("status")) {
                    entry.put("status", service().status(name));
                }
                if (expand.contains("info")) {
                    entry.put("info", service().info(name));
                }
            } catch (RestException e) {
                continue; // deleted while we were listing
            }
            out.put(name, entry);
        }
        return Reply.ok(out);
    }

    private Reply create(RoutingContext ctx) {
        JsonNode body = BodyParser.object(Http.body(ctx), "The request body");
        JsonNode nameNode = body.get("name");
        JsonNode configNode = body.get("config");
        if (configNode == null || configNode.isNull()) {
            throw RestException.badRequest("The request body needs a 'config' object (the connector config)");
        }
        Map<String, String> config = BodyParser.config(configNode, "'config'", false);
        String name;
        if (nameNode == null || nameNode.isNull()) {
            name = config.get("name");
            if (name == null) {
                throw RestException.badRequest("The request body needs a 'name' (the connector name)");
            }
        } else if (!nameNode.isValueNode() || nameNode.isContainerNode()) {
            throw RestException.badRequest("'name' must be a string");
        } else {
            name = nameNode.asText().trim();
        }
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!List.of("name", "config", "initial_state", Documents.SCHEMA).contains(field)) {
                throw RestException.badRequest("Unknown field '" + field + "' in the request body; expected name,"
                        + " config and optionally initial_state");
            }
        }
        TargetState initial = initialState(body.get("initial_state"));
        ConnectorInfo info = service().create(name, config, initial);
        return new Reply(
                201,
                info,
                "/connectors/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    private static TargetState initialState(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String v = node.asText().trim().toUpperCase();
        return switch (v) {
            case "RUNNING" -> TargetState.STARTED;
            case "PAUSED" -> TargetState.PAUSED;
            case "STOPPED" -> TargetState.STOPPED;
            default ->
                throw RestException.badRequest(
                        "initial_state must be RUNNING, PAUSED or STOPPED, got '" + node.asText() + "'");
        };
    }

    private Reply put(RoutingContext ctx) {
        String name = name(ctx);
        Map<String, String> config = BodyParser.config(Http.body(ctx), "The connector config", false);
        boolean created = service().put(name, config);
        ConnectorInfo info = service().info(name);
        return created
                ? new Reply(
                        201,
                        info,
                        "/connectors/"
                                + URLEncoder.encode(name, StandardCharsets.UTF_8)
                                        .replace("+", "%20"))
                : Reply.ok(info);
    }

    @SuppressWarnings("unchecked")
    private Reply alterOffsets(RoutingContext ctx) {
        JsonNode body = BodyParser.object(Http.body(ctx), "The request body");
        JsonNode offsets = body.get("offsets");
        if (offsets == null || !offsets.isArray()) {
            throw RestException.badRequest("The request body needs an 'offsets' list of {\"partition\": {...},"
                    + " \"offset\": {...}} entries");
        }
        if (offsets.isEmpty()) {
            throw RestException.badRequest("The 'offsets' list is empty; give at least one partition");
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (JsonNode entry : offsets) {
            if (!entry.isObject()) {
                throw RestException.badRequest("Every element of 'offsets' must be an object, found "
                        + entry.getNodeType().toString().toLowerCase());
            }
            list.add(Http.JSON.convertValue(entry, Map.class));
        }
        return Reply.ok(Map.of("message", service().alterOffsets(name(ctx), list)));
    }
}
