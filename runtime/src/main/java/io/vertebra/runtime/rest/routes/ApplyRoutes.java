package io.vertebra.runtime.rest.routes;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.runtime.apply.ApplyService;
import io.vertebra.runtime.apply.Inventory;
import io.vertebra.runtime.rest.BodyParser;
import io.vertebra.runtime.rest.Http;
import io.vertebra.runtime.rest.Http.Reply;
import io.vertebra.runtime.rest.RestException;
import io.vertebra.runtime.service.ConnectService;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code POST /apply?set=NAME&dry_run=true&prune=true&force=true}: a whole desired state (JSON object or array, or a YAML
 * stream of documents) → its plan, applied unless a dry run. 200 with the plan; 400 with the plan and
 * {@code error_code}/{@code message} when it has problems (nothing was changed); 500 when a step failed midway (the
 * message says which). {@code GET /apply/sets}: every set's inventory.
 */
public final class ApplyRoutes {
    public static final String DEFAULT_SET = "default";

    private final Supplier<ConnectService> services;

    public ApplyRoutes(Supplier<ConnectService> services) {
        this.services = services;
    }

    private ApplyService service() {
        ConnectService s = services.get();
        if (s == null) {
            throw new RestException(503, "Worker is still starting up; try again shortly");
        }
        return ApplyService.of(s);
    }

    public void register(Http http) {
        http.route(POST, "/apply", this::apply);
        http.route(GET, "/apply/sets", ctx -> {
            Map<String, Inventory> sets = new TreeMap<>(service().inventories());
            return Reply.ok(sets);
        });
    }

    private Reply apply(RoutingContext ctx) {
        boolean dryRun = Http.boolQuery(ctx, "dry_run", false);
        boolean prune = Http.boolQuery(ctx, "prune", false);
        boolean force = Http.boolQuery(ctx, "force", false);
        List<String> sets = ctx.queryParam("set");
        String set = sets.isEmpty() ? DEFAULT_SET : sets.get(sets.size() - 1).trim();
        byte[] body = ctx.body() == null || ctx.body().buffer() == null
                ? null
                : ctx.body().buffer().getBytes();
        ApplyService.Outcome outcome = service()
                .apply(BodyParser.parseAll(body, ctx.request().getHeader("Content-Type")), set, prune, force, dryRun);
        boolean applied = outcome.result() != null;
        ObjectNode json =
                outcome.plan().toJson(dryRun, applied && outcome.result().ok());
        if (!outcome.plan().problems().isEmpty()) {
            json.put("error_code", 400);
            json.put(
                    "message",
                    "The plan has " + outcome.plan().problems().size() + " problem(s); nothing was changed:\n"
                            + String.join("\n", outcome.plan().problems()));
            return new Reply(400, json, null);
        }
        if (applied && !outcome.result().ok()) {
            json.put("error_code", 500);
            json.put("message", outcome.result().error());
            return new Reply(500, json, null);
        }
        return Reply.ok(json);
    }
}
