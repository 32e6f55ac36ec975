package io.vertebra.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.log.config.BrokerConfig;
import io.vertebra.node.cli.SchemaCatalog;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import io.vertebra.runtime.schema.ApplySchema;
import io.vertebra.runtime.schema.ConfigSchema;
import io.vertebra.runtime.schema.ConnectorSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The contents of {@code schemas/}: one JSON Schema per connector plugin of a registry, the node config's and the
 * apply documents'. Generated from the ConfigDefs (the connectors', {@link NodeConfig}, {@link BrokerConfig},
 * {@link WorkerConfig}), never written by hand; {@code SchemasTest} fails when the checked-in files differ and
 * rewrites them with {@code -Dvertebra.schemas.write=true}.
 */
public final class SchemaFiles {
    /** Broker settings the node sets itself from its own keys (node.id, data.dir, host, ports, cluster). */
    static final Set<String> BROKER_KEYS_SET_BY_NODE = Set.of(
            BrokerConfig.NODE_ID,
            BrokerConfig.LOG_DIR,
            BrokerConfig.LISTENER_HOST,
            BrokerConfig.LISTENER_PORT,
            BrokerConfig.ADVERTISED_HOST,
            BrokerConfig.CONTROLLER_QUORUM);
    /** Worker settings the node sets itself (the REST listener, from host and bind.host). */
    static final Set<String> WORKER_KEYS_SET_BY_NODE =
            Set.of(WorkerConfig.REST_HOST, WorkerConfig.REST_ADVERTISED_HOST);
    /** Defaults computed from the machine (processor count): a schema states no default for them. */
    static final Set<String> MACHINE_DEPENDENT_DEFAULTS = Set.of(BrokerConfig.NUM_NETWORK_THREADS);

    private static final ObjectMapper JSON = new ObjectMapper();

    private SchemaFiles() {}

    /** Every file of {@code schemas/} (path relative to it → content) for the connectors of {@code registry}. */
    public static Map<String, String> generate(PluginRegistry registry) {
        Map<String, String> files = new TreeMap<>();
        files.put(SchemaCatalog.NODE, write(nodeConfig()));
        List<String> connectorClasses = new ArrayList<>();
        for (PluginDesc d : registry.distinct().values()) {
            if (d.type().isConnector()) {
                connectorClasses.add(d.className());
                files.put(
                        SchemaCatalog.CONNECTORS + "/" + d.className() + ".schema.json", write(ConnectorSchema.of(d)));
            }
        }
        files.put(SchemaCatalog.APPLY, write(ApplySchema.of(connectorClasses)));
        return files;
    }

    /**
     * The node config: the node's own keys, and the broker and worker keys it passes on (those under the worker's
     * pass-through prefixes, like {@code producer.*}, as pattern properties). Any other key is an error: the node
     * would ignore it.
     */
    public static ObjectNode nodeConfig() {
        ConfigDef all = new ConfigDef(NodeConfig.DEFINITION);
        BrokerConfig.DEFINITION.configKeys().values().forEach(k -> {
            if (!BROKER_KEYS_SET_BY_NODE.contains(k.name) && !all.configKeys().containsKey(k.name)) {
                all.define(k);
            }
        });
        WorkerConfig.DEFINITION.configKeys().values().forEach(k -> {
            if (!WORKER_KEYS_SET_BY_NODE.contains(k.name) && !all.configKeys().containsKey(k.name)) {
                all.define(k);
            }
        });
        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", ConfigSchema.DRAFT);
        schema.put("title", "Vertebra node config");
        schema.put(
                "description",
                "The file of vertebra start --config (YAML, nested maps flattened with dots): the node's own keys,"
                        + " broker settings and Connect worker settings. Generated from their ConfigDefs.");
        schema.setAll(ConfigSchema.object(all, Set.of()));
        ObjectNode properties = (ObjectNode) schema.get("properties");
        for (String key : MACHINE_DEPENDENT_DEFAULTS) {
            ObjectNode p = (ObjectNode) properties.get(key);
            if (p != null && p.remove("default") != null) {
                p.put("description", p.path("description").asText() + " Default: the number of processors.");
            }
        }
        ObjectNode patterns = schema.putObject("patternProperties");
        for (String prefix : WorkerConfig.PASS_THROUGH_PREFIXES) {
            ArrayNode types = patterns.putObject("^"
                            + Pattern.quote(prefix)
                                    .replace("\\Q", "")
                                    .replace("\\E", "")
                                    .replace(".", "\\."))
                    .putArray("type");
            types.add("string");
            types.add("number");
            types.add("boolean");
            types.add("array");
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    static String write(ObjectNode schema) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return JSON.writer(printer).writeValueAsString(schema) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
