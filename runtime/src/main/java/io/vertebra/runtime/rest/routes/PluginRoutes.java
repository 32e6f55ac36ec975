package io.vertebra.runtime.rest.routes;

import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PUT;

import io.vertebra.runtime.config.ConnectorConfigDef;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import io.vertebra.runtime.plugins.PluginType;
import io.vertebra.runtime.rest.BodyParser;
import io.vertebra.runtime.rest.Http;
import io.vertebra.runtime.rest.Http.Reply;
import io.vertebra.runtime.rest.RestException;
import io.vertebra.runtime.rest.entities.ConfigInfos;
import io.vertebra.runtime.rest.entities.PluginInfo;
import io.vertebra.runtime.schema.ConnectorSchema;
import io.vertebra.runtime.service.ConfigValidator;
import io.vertebra.runtime.service.ConnectService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * {@code /connector-plugins/...}: the plugin list, each plugin's config definition, config validation, and each
 * connector's config as a JSON Schema ({@code /connector-plugins/{class}/schema}).
 */
public final class PluginRoutes {
    private final java.util.function.Supplier<ConnectService> services;

    public PluginRoutes(java.util.function.Supplier<ConnectService> services) {
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
        http.route(GET, "/connector-plugins", ctx -> {
            boolean connectorsOnly = Http.boolQuery(ctx, "connectorsOnly", true);
            List<PluginInfo> out = new ArrayList<>();
            for (PluginDesc d : service().registry().distinct().values()) {
                if (d.type() == PluginType.CONFIG_PROVIDER
                        || (connectorsOnly && !d.type().isConnector())) {
                    continue;
                }
                out.add(new PluginInfo(d.className(), d.type().restName(), d.version()));
            }
            return Reply.ok(out);
        });
        http.route(GET, "/connector-plugins/:plugin/config", ctx -> {
            String name = Http.param(ctx, "plugin");
            PluginDesc d = service()
                    .registry()
                    .find(
                            name,
                            PluginType.SOURCE,
                            PluginType.SINK,
                            PluginType.TRANSFORMATION,
                            PluginType.PREDICATE,
                            PluginType.CONVERTER,
                            PluginType.HEADER_CONVERTER)
                    .orElseThrow(() -> RestException.notFound("Unknown plugin " + name));
            ConfigDef def = PluginRegistry.configDef(d);
            List<ConfigInfos.ConfigKeyInfo> keys = new ArrayList<>();
            def.configKeys().forEach((k, key) -> keys.add(ConfigValidator.keyInfo(k, key)));
            return Reply.ok(keys);
        });
        http.route(GET, "/connector-plugins/:plugin/schema", ctx -> {
            String name = Http.param(ctx, "plugin");
            PluginDesc d = service()
                    .registry()
                    .find(name, PluginType.SOURCE, PluginType.SINK)
                    .orElseThrow(() -> RestException.notFound(
                            "Unknown connector plugin " + name + "; GET /connector-plugins lists the installed ones"));
            return Reply.ok(ConnectorSchema.of(d));
        });
        http.route(PUT, "/connector-plugins/:plugin/config/validate", ctx -> {
            String plugin = Http.param(ctx, "plugin");
            Map<String, String> config =
                    new LinkedHashMap<>(BodyParser.config(Http.body(ctx), "The connector config", false));
            String cls = config.get(ConnectorConfigDef.CONNECTOR_CLASS);
            if (cls == null || cls.isBlank()) {
                throw RestException.badRequest("Connector config " + config.keySet()
                        + " contains no connector type: the key 'connector.class' is required");
            }
            PluginRegistry registry = service().registry();
            PluginDesc named =
                    registry.find(plugin, PluginType.SOURCE, PluginType.SINK).orElse(null);
            PluginDesc given =
                    registry.find(cls, PluginType.SOURCE, PluginType.SINK).orElse(null);
            if (named != null && given != null && !named.className().equals(given.className())) {
                throw RestException.badRequest(
                        "Included connector type " + cls + " does not match request type " + plugin);
            }
            return Reply.ok(service().validator().validate(config));
        });
    }
}
