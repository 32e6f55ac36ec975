package io.vertebra.runtime.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.internals.AllowedPaths;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@code ${provider:path:key}} placeholders in connector configs just before they are used, so secrets
 * never sit in the config topic or in REST responses.
 *
 * <p>No provider is on unless the worker config names it, the Kafka Connect way: {@code config.providers=file,env}
 * and {@code config.providers.<name>.class} (optional for the names {@code file}, {@code env} and {@code
 * directory}, which default to Kafka's classes), parameters under {@code config.providers.<name>.param.}. Anyone who
 * may write a connector config can make the worker resolve a placeholder, so Kafka's file and directory providers
 * must be confined with {@code param.allowed.paths} and the env provider with {@code param.allowlist.pattern}: a
 * worker config without them does not start.
 *
 * <p>Resolved values never leave through error messages: {@link #redact} puts the placeholders back into any text
 * built from a resolved config. Thread-safe once built.
 */
public final class ConfigProviders implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigProviders.class);
    public static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)\\}");

    /** The providers of kafka-clients a name alone enables, and the parameter that confines each. */
    private static final Map<String, Class<? extends ConfigProvider>> BUILT_IN = Map.of(
            "file", FileConfigProvider.class,
            "env", EnvVarConfigProvider.class,
            "directory", DirectoryConfigProvider.class);

    static final String ALLOWED_PATHS = "allowed.paths";
    static final String ALLOWLIST_PATTERN = EnvVarConfigProvider.ALLOWLIST_PATTERN_CONFIG;

    private final Map<String, ConfigProvider> providers;
    private final Map<String, Map<String, String>> params;
    private final ConfigTransformer transformer;

    public ConfigProviders(Map<String, ConfigProvider> providers) {
        this(providers, Map.of());
    }

    private ConfigProviders(Map<String, ConfigProvider> providers, Map<String, Map<String, String>> params) {
        this.providers = Map.copyOf(providers);
        this.params = Map.copyOf(params);
        this.transformer = new ConfigTransformer(this.providers);
    }

    /** None: placeholders stay as written (and {@link #problems} says so). */
    public static ConfigProviders none() {
        return new ConfigProviders(Map.of());
    }

    /** The providers a worker config turns on; a ConfigException naming the key when one is unusable or unconfined. */
    public static ConfigProviders fromWorkerConfig(WorkerConfig config, ClassLoader loader) {
        Map<String, ConfigProvider> providers = new HashMap<>();
        Map<String, Map<String, String>> allParams = new HashMap<>();
        for (String name : config.getList(WorkerConfig.CONFIG_PROVIDERS)) {
            String classKey = "config.providers." + name + ".class";
            Object configured = config.originals().get(classKey);
            String cls = configured != null
                    ? configured.toString().trim()
                    : BUILT_IN.containsKey(name) ? BUILT_IN.get(name).getName() : null;
            if (cls == null || cls.isEmpty()) {
                throw new ConfigException(
                        classKey,
                        null,
                        "config provider '" + name + "' is listed in"
                                + " config.providers but has no class (file, env and directory need none)");
            }
            Map<String, String> params = new HashMap<>();
            config.originalsWithPrefix("config.providers." + name + ".param.")
                    .forEach((k, v) -> params.put(k, v == null ? null : v.toString()));
            requireConfinement(name, cls, params);
            try {
                ConfigProvider p = (ConfigProvider) Class.forName(cls, true, loader)
                        .getDeclaredConstructor()
                        .newInstance();
                p.configure(params);
                providers.put(name, p);
                allParams.put(name, params);
            } catch (ReflectiveOperationException | ClassCastException e) {
                throw new ConfigException(classKey, cls, "cannot create config provider: " + e);
            }
        }
        if (!providers.isEmpty()) {
            log.info("config providers enabled: {}", describe(allParams));
        }
        return new ConfigProviders(providers, allParams);
    }

    private static void requireConfinement(String name, String cls, Map<String, String> params) {
        String param = cls.equals(EnvVarConfigProvider.class.getName())
                ? ALLOWLIST_PATTERN
                : cls.equals(FileConfigProvider.class.getName()) || cls.equals(DirectoryConfigProvider.class.getName())
                        ? ALLOWED_PATHS
                        : null;
        if (param != null && (params.get(param) == null || params.get(param).isBlank())) {
            String key = "config.providers." + name + ".param." + param;
            throw new ConfigException(
                    key,
                    null,
                    param.equals(ALLOWED_PATHS)
                            ? "required: the comma-separated absolute directories ${" + name + ":...} may read"
                                    + " (e.g. /run/secrets); without it anyone who may write a connector config could"
                                    + " read any file the node can read"
                            : "required: a regular expression of the environment variables ${" + name + ":...}"
                                    + " may read (e.g. SHOP_DB_PASSWORD|MIRROR_DB_PASSWORD); without it anyone who"
                                    + " may write a connector config could read every variable of the node");
        }
    }

    private static String describe(Map<String, Map<String, String>> params) {
        List<String> parts = new ArrayList<>();
        params.keySet().stream().sorted().forEach(name -> {
            Map<String, String> p = params.get(name);
            String limit = p.containsKey(ALLOWED_PATHS)
                    ? " (allowed.paths " + p.get(ALLOWED_PATHS) + ")"
                    : p.containsKey(ALLOWLIST_PATTERN) ? " (allowlist.pattern " + p.get(ALLOWLIST_PATTERN) + ")" : "";
            parts.add(name + limit);
        });
        return String.join(", ", parts);
    }

    public static boolean hasPlaceholder(String value) {
        return value != null && PLACEHOLDER.matcher(value).find();
    }

    /**
     * The config with every placeholder replaced; a placeholder that cannot be resolved (no such provider, a path
     * outside the allowed ones, no such key, an unreadable file) stays as written: {@link #problems} names it.
     */
    public Map<String, String> resolve(Map<String, String> raw) {
        if (raw.values().stream().noneMatch(ConfigProviders::hasPlaceholder)) {
            return raw;
        }
        Map<String, String> out = new LinkedHashMap<>(raw);
        raw.forEach((key, value) -> {
            if (hasPlaceholder(value)) {
                try {
                    String resolved =
                            transformer.transform(Map.of(key, value)).data().get(key);
                    out.put(key, resolved);
                } catch (RuntimeException e) {
                    log.debug("cannot resolve the placeholder of {}: {}", key, e.toString());
                }
            }
        });
        return out;
    }

    /**
     * One line per placeholder of {@code raw} that {@link #resolve} could not resolve, naming the key, the placeholder
     * and why (never a value): what validation reports and what a connector fails with.
     */
    public Map<String, String> problems(Map<String, String> raw, Map<String, String> resolved) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((key, value) -> {
            if (!hasPlaceholder(value)) {
                return;
            }
            String now = resolved.get(key);
            Matcher m = PLACEHOLDER.matcher(value);
            List<String> reasons = new ArrayList<>();
            while (m.find()) {
                if (now != null && now.contains(m.group())) {
                    reasons.add(m.group() + " was not resolved: " + why(m.group(1), m.group(3), m.group(4)));
                }
            }
            if (!reasons.isEmpty()) {
                out.put(key, "Invalid value for configuration " + key + ": " + String.join("; ", reasons));
            }
        });
        return out;
    }

    private String why(String provider, String path, String key) {
        if (!providers.containsKey(provider)) {
            return "no config provider '" + provider + "' is enabled on this worker ("
                    + (providers.isEmpty() ? "config.providers is empty" : "config.providers=" + describe(params))
                    + "); a worker admin enables it in the worker config, see docs/security.md";
        }
        Map<String, String> p = params.getOrDefault(provider, Map.of());
        String allowed = p.get(ALLOWED_PATHS);
        if (allowed != null && path != null && new AllowedPaths(allowed).parseUntrustedPath(path) == null) {
            return "the path " + path + " is outside config.providers." + provider + ".param.allowed.paths (" + allowed
                    + ")";
        }
        if (p.containsKey(ALLOWLIST_PATTERN)) {
            return "the environment variable " + key + " is not set or not matched by config.providers." + provider
                    + ".param.allowlist.pattern (" + p.get(ALLOWLIST_PATTERN) + ")";
        }
        return "provider '" + provider + "' has no key " + key + (path == null ? "" : " at " + path)
                + " (or cannot read it)";
    }

    /**
     * The text with every resolved value of {@code resolved} that came from a placeholder of {@code raw} replaced by
     * that placeholder: for error messages, status traces and log lines built from a resolved config. Values of one or
     * two characters are left alone (they would rewrite every digit of a message, and hide nothing).
     */
    public static String redact(String text, Map<String, String> raw, Map<String, String> resolved) {
        if (text == null || raw == null || resolved == null || raw == resolved) {
            return text;
        }
        List<Map.Entry<String, String>> swaps = new ArrayList<>();
        raw.forEach((key, rawValue) -> {
            String value = resolved.get(key);
            if (hasPlaceholder(rawValue) && value != null && value.length() > 2 && !value.equals(rawValue)) {
                swaps.add(Map.entry(value, rawValue));
                // a multi-line secret file may be quoted one line at a time
                for (String line : value.split("\\R")) {
                    if (line.strip().length() > 2 && !line.equals(value)) {
                        swaps.add(Map.entry(line.strip(), rawValue));
                    }
                }
            }
        });
        swaps.sort(Comparator.comparingInt(
                        (Map.Entry<String, String> e) -> e.getKey().length())
                .reversed());
        String out = text;
        for (Map.Entry<String, String> swap : swaps) {
            out = out.replace(swap.getKey(), swap.getValue());
        }
        return out;
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
            if (hasPlaceholder(rawValue) && out.containsKey(key) && Objects.equals(out.get(key), resolved.get(key))) {
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
