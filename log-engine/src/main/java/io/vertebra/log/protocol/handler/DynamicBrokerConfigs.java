package io.vertebra.log.protocol.handler;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.config.LogConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * The broker settings that may change at runtime, cluster-wide (BROKER resource named {@code ""}): the defaults
 * of topic settings under their broker names ({@code log.retention.ms}, {@code message.max.bytes}, ...), which
 * the partitions pick up from the next metadata image. Everything else is read once at start and must be set in
 * the node config. Per-broker dynamic settings (a BROKER resource named by its id) are not supported: a cluster
 * of identical nodes needs only the cluster-wide layer.
 *
 * <p>Immutable and thread-safe; the checks run on the controller thread inside an alteration.
 */
public final class DynamicBrokerConfigs {
    /** The names that may be set dynamically. */
    public static final Set<String> NAMES = Set.copyOf(LogConfig.BROKER_SYNONYMS.values());

    private final BrokerConfig staticConfig;

    public DynamicBrokerConfigs(BrokerConfig staticConfig) {
        this.staticConfig = staticConfig;
    }

    public int nodeId() {
        return staticConfig.nodeId();
    }

    /**
     * Reads the name of a BROKER resource: true for {@code ""} (the cluster-wide default), false for this node's
     * id; INVALID_REQUEST for anything else.
     */
    public boolean isClusterDefault(String resourceName) {
        if (resourceName == null || resourceName.isEmpty()) {
            return true;
        }
        int id;
        try {
            id = Integer.parseInt(resourceName);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("a BROKER resource is named by a broker id or \"\" (the cluster-wide"
                    + " default), not '" + resourceName + "'");
        }
        if (id != nodeId()) {
            throw new InvalidRequestException(
                    "this is broker " + nodeId() + ", not broker " + id + "; send the request to broker " + id);
        }
        return false;
    }

    /**
     * Checks a complete new set of cluster-wide dynamic configs. A setting that exists but is not dynamic fails
     * with INVALID_REQUEST (as in Kafka); unknown names and invalid values fail with INVALID_CONFIG, all named in
     * one message.
     */
    public void validate(Map<String, String> configs) {
        Set<String> fixed = new TreeSet<>();
        for (String name : configs.keySet()) {
            if (BrokerConfig.DEFINITION.names().contains(name) && !NAMES.contains(name)) {
                fixed.add(name);
            }
        }
        if (!fixed.isEmpty()) {
            throw new InvalidRequestException("broker config(s) " + fixed + " cannot be changed at runtime; set them"
                    + " in the node config and restart. Dynamic broker configs: " + new TreeSet<>(NAMES));
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : configs.entrySet()) {
            ConfigDef.ConfigKey key = BrokerConfig.DEFINITION.configKeys().get(e.getKey());
            if (key == null) {
                problems.add("unknown broker config '" + e.getKey() + "' (dynamic broker configs: "
                        + new TreeSet<>(NAMES) + ")");
                continue;
            }
            try {
                Object parsed = ConfigDef.parseType(key.name, e.getValue(), key.type);
                if (key.validator != null) {
                    key.validator.ensureValid(key.name, parsed);
                }
            } catch (ConfigException ex) {
                problems.add(ex.getMessage());
            }
        }
        if (problems.isEmpty()) {
            try {
                new LogConfig(Map.of(), topicDefaults(configs));
            } catch (ConfigException ex) {
                problems.add(ex.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(String.join("; ", problems));
        }
    }

    /** The value a broker setting has without dynamic configs: the node config's, else the built-in default. */
    public String staticValue(String name) {
        Object original = staticConfig.originals().get(name);
        if (original != null) {
            return String.valueOf(original);
        }
        ConfigDef.ConfigKey key = BrokerConfig.DEFINITION.configKeys().get(name);
        if (key == null || !key.hasDefault() || key.defaultValue == null) {
            return null;
        }
        return ConfigDef.convertToString(key.defaultValue, key.type);
    }

    private Map<String, String> topicDefaults(Map<String, String> dynamic) {
        Map<String, String> defaults = new LinkedHashMap<>(staticConfig.topicDefaults());
        for (Map.Entry<String, String> synonym : LogConfig.BROKER_SYNONYMS.entrySet()) {
            String value = dynamic.get(synonym.getValue());
            if (value != null) {
                defaults.put(synonym.getKey(), value);
            }
        }
        return defaults;
    }
}
