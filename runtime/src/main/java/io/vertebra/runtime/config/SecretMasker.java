package io.vertebra.runtime.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Hides secrets in what leaves the worker (REST responses, log lines): values of keys a plugin declares as
 * {@code PASSWORD} become {@code [hidden]}. Placeholders ({@code ${file:...}}) are shown as written, since they
 * name where the secret is, not the secret.
 */
public final class SecretMasker {
    public static final String HIDDEN = "[hidden]";

    private SecretMasker() {}

    public static Set<String> passwordKeys(ConfigDef def) {
        Set<String> keys = new java.util.HashSet<>();
        def.configKeys().forEach((name, key) -> {
            if (key.type == ConfigDef.Type.PASSWORD) {
                keys.add(name);
            }
        });
        return keys;
    }

    private static final java.util.regex.Pattern SECRET_NAME = java.util.regex.Pattern.compile(
            "(?i).*(password|passwd|secret|token|credential|jaas\\.config|private\\.key|access\\.key|api\\.?key).*");

    /**
     * True for keys whose name says they hold a secret ({@code connection.password}, {@code fs.s3a.secret.key},
     * {@code sasl.jaas.config}, ...): plans mask them even when the connector does not declare them as PASSWORD.
     */
    public static boolean looksSecret(String key) {
        return SECRET_NAME.matcher(key).matches();
    }

    public static Map<String, String> mask(Map<String, String> config, Set<String> passwordKeys) {
        if (passwordKeys.isEmpty()) {
            return config;
        }
        Map<String, String> out = new LinkedHashMap<>();
        config.forEach((k, v) ->
                out.put(k, passwordKeys.contains(k) && v != null && !ConfigProviders.hasPlaceholder(v) ? HIDDEN : v));
        return out;
    }
}
