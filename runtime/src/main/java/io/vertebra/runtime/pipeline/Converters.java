package io.vertebra.runtime.pipeline;

import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.plugins.PluginDesc;
import io.vertebra.runtime.plugins.PluginRegistry;
import io.vertebra.runtime.plugins.PluginType;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * A task's key, value and header converters, built from the connector config with the worker's as defaults; the
 * {@code key.converter.*} settings of the worker apply, overridden by the connector's (Kafka Connect's rule).
 */
public record Converters(Converter key, Converter value, HeaderConverter header) {

    public static Converters build(Map<String, String> connector, WorkerConfig worker, PluginRegistry registry) {
        Converter key = converter("key.converter", connector, worker, registry, true);
        Converter value = converter("value.converter", connector, worker, registry, false);
        String headerClass = pick("header.converter", connector, worker);
        HeaderConverter header = PluginRegistry.newInstance(
                find(registry, "header.converter", headerClass, PluginType.HEADER_CONVERTER), HeaderConverter.class);
        Map<String, Object> headerConfig = settings("header.converter", connector, worker);
        headerConfig.putIfAbsent("converter.type", "header");
        header.configure(headerConfig);
        return new Converters(key, value, header);
    }

    private static Converter converter(
            String prefix, Map<String, String> connector, WorkerConfig worker, PluginRegistry registry, boolean isKey) {
        String cls = pick(prefix, connector, worker);
        Converter c = PluginRegistry.newInstance(find(registry, prefix, cls, PluginType.CONVERTER), Converter.class);
        Map<String, Object> config = settings(prefix, connector, worker);
        config.putIfAbsent("converter.type", isKey ? "key" : "value");
        c.configure(config, isKey);
        if (c.getClass() == org.apache.kafka.connect.json.JsonConverter.class) {
            return new JsonFastPath((org.apache.kafka.connect.json.JsonConverter) c, config, isKey);
        }
        return c;
    }

    static PluginDesc find(PluginRegistry registry, String key, String cls, PluginType type) {
        return registry.find(cls, type)
                .orElseThrow(() -> new ConfigException(
                        key, cls, "no " + type.restName() + " plugin with this class" + " name or alias is installed"));
    }

    private static String pick(String key, Map<String, String> connector, WorkerConfig worker) {
        String own = connector.get(key);
        return own != null && !own.isBlank() ? own.trim() : worker.getString(key);
    }

    private static Map<String, Object> settings(String prefix, Map<String, String> connector, WorkerConfig worker) {
        Map<String, Object> config = new HashMap<>(worker.originalsWithPrefix(prefix + "."));
        connector.forEach((k, v) -> {
            if (k.startsWith(prefix + ".")) {
                config.put(k.substring(prefix.length() + 1), v);
            }
        });
        return config;
    }

    public void close() {
        closeQuietly(key);
        closeQuietly(value);
        closeQuietly(header);
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
