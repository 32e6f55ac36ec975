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

    /** A config written back with the secrets restored, and the keys that hold the mask with nothing to keep. */
    public record Unmasked(Map<String, String> config, java.util.List<String> problems) {}

    /**
     * The rule for every write of a connector config (REST POST, PUT and PATCH, apply): a secret key whose value is
     * the mask {@link #HIDDEN} keeps the value stored for it, since the writer read the config and sent back what it
     * was shown (read, change one key, write back). With no stored value there is nothing to keep: that key is a
     * problem, never stored as the literal mask. A secret key is one of the connector's PASSWORD keys or one that
     * {@link #looksSecret looks secret} (masked in plans).
     *
     * @param stored the connector's stored config, empty when it has none
     */
    public static Unmasked unmask(
            String connector, Map<String, String> submitted, Map<String, String> stored, Set<String> passwordKeys) {
        Map<String, String> out = new LinkedHashMap<>(submitted);
        java.util.List<String> problems = new java.util.ArrayList<>();
        submitted.forEach((key, value) -> {
            if (HIDDEN.equals(value) && (passwordKeys.contains(key) || looksSecret(key))) {
                String kept = stored.get(key);
                if (kept != null) {
                    out.put(key, kept);
                } else {
                    problems.add(key + ": the value " + HIDDEN + " is how a secret is shown, not a secret, and"
                            + " connector " + connector + " has no stored value for " + key + " to keep; send the"
                            + " secret itself or a ${provider:path:key} reference");
                }
            }
        });
        return new Unmasked(problems.isEmpty() ? out : submitted, java.util.List.copyOf(problems));
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
