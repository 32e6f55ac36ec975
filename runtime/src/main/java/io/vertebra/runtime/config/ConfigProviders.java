package io.vertebra.runtime.config;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code ${provider:path:key}} placeholders in connector configs just before they are used, so secrets
 * never sit in the config topic or in REST responses. {@code file}, {@code env} and {@code directory} are always
 * available; {@code config.providers} + {@code config.providers.<name>.class} add or replace providers (the Kafka
 * keys). Thread-safe once built.
 */
public final class ConfigProviders implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigProviders.class);
    public static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)\\}");

    private final Map<String, ConfigProvider> providers;
    private final ConfigTransformer transformer;

    public ConfigProviders(Map<String, ConfigProvider> providers) {
        this.providers = Map.copyOf(providers);
        this.transformer = new ConfigTransformer(this.providers);
    }

    /** The providers a worker config asks for, plus the three defaults. */
    public static ConfigProviders fromWorkerConfig(WorkerConfig config, ClassLoader loader) {
        Map<String, ConfigProvider> providers = new HashMap<>();
        providers.put("file", configured(new FileConfigProvider(), Map.of()));
        providers.put("env", configured(new EnvVarConfigProvider(), Map.of()));
        providers.put("directory", configured(new DirectoryConfigProvider(), Map.of()));
        List<String> names = config.getList(WorkerConfig.CONFIG_PROVIDERS);
        for (String name : names) {
            String cls = (String) config.originals().get("config.providers." + name + ".class");
            if (cls == null) {
                throw new org.apache.kafka.common.config.ConfigException(
                        "config.providers." + name + ".class", null, "config provider '" + name + "' has no class");
            }
            try {
                ConfigProvider p = (ConfigProvider) Class.forName(cls, true, loader)
                        .getDeclaredConstructor()
                        .newInstance();
                Map<String, Object> params =
                        new HashMap<>(config.originalsWithPrefix("config.providers." + name + ".param."));
                providers.put(name, configured(p, params));
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new org.apache.kafka.common.config.ConfigException(
                        "config.providers." + name + ".class", cls, "cannot create config provider: " + e);
            }
        }
        return new ConfigProviders(providers);
    }

    private static ConfigProvider configured(ConfigProvider p, Map<String, ?> params) {
        p.configure(params);
        return p;
    }

    public static boolean hasPlaceholder(String value) {
        return value != null && PLACEHOLDER.matcher(value).find();
    }

    /** The config with every placeholder replaced; unknown providers or keys leave the placeholder as it is. */
    public Map<String, String> resolve(Map<String, String> raw) {
        if (raw.values().stream().noneMatch(ConfigProviders::hasPlaceholder)) {
            return raw;
        }
        return new LinkedHashMap<>(transformer.transform(raw).data());
    }

    /**
     * Puts placeholders back into configs a connector derived from its resolved config (its task configs), so
     * resolved secrets are not written to the config topic: a value equal to the resolved value of a key whose raw
     * value held a placeholder becomes that raw value again.
     */
    public static Map<String, String> unresolve(
            Map<String, String> derived, Map<String, String> raw, Map<String, String> resolved) {
        Map<String, String> out = new LinkedHashMap<>(derived);
        raw.forEach((key, rawValue) -> {
            if (hasPlaceholder(rawValue)
                    && out.containsKey(key)
                    && java.util.Objects.equals(out.get(key), resolved.get(key))) {
                out.put(key, rawValue);
            }
        });
        return out;
    }

    @Override
    public void close() {
        providers.values().forEach(p -> {
            try {
                p.close();
            } catch (Exception e) {
                log.debug("error closing config provider", e);
            }
        });
    }
}
