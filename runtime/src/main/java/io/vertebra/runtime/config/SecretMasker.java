package io.vertebra.runtime.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The one rule for hiding secrets in what leaves the worker: GET config, GET tasks and tasks-config, validate
 * responses, apply plans, status traces and log lines. A key is secret when
 *
 * <ul>
 *   <li>a plugin declares it {@code PASSWORD}: the connector's keys, its converters' ({@code value.converter.*}),
 *       transforms' and predicates' keys under their prefixes, and the Kafka client keys of the worker and of
 *       {@code producer.override.}, {@code consumer.override.} and {@code admin.override.} ({@link #passwordKeys}),
 *       or
 *   <li>its name says so ({@link #looksSecret}): {@code *password*}, {@code *secret*} ({@code aws.secret.access.key},
 *       {@code fs.s3a.secret.key}), {@code *.jaas.config}, {@code basic.auth.user.info}, {@code *token*}, credential
 *       keys ({@code private.key}, {@code access.key}, {@code api.key}, {@code account.key}, {@code sas.key}).
 * </ul>
 *
 * A secret value is shown as {@link #HIDDEN}. In every other value a password inside a URL ({@code
 * jdbc:postgresql://u:pw@host/db}, {@code https://u:pw@host}, {@code ?password=pw}) becomes {@code [hidden]}, the rest
 * of the URL stays readable. Placeholders ({@code ${file:...}}) are shown as written, since they name where the
 * secret is, not the secret. A value written back as it was shown keeps the stored one ({@link #unmask}).
 */
public final class SecretMasker {
    public static final String HIDDEN = "[hidden]";

    private SecretMasker() {}

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|secret|token|credential"
            + "|jaas\\.config|basic\\.auth\\.user\\.info|(private|access|account|sas|api|signing|encryption)[._-]?key"
            + ").*");

    /** {@code scheme://user:password@}: the password is group 2. */
    private static final Pattern URL_USER_INFO = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://[^/\\s:@]*:)([^\\s/@]+)@");
    /** {@code ?password=...}, {@code ;password=...} (JDBC URLs): the password is group 2. */
    private static final Pattern URL_PASSWORD_PARAM =
            Pattern.compile("(?i)([?&;](?:password|passwd|pwd|secret)=)([^&;\\s]+)");

    private static final Map<String, ConfigDef> CLIENT_OVERRIDES = Map.of(
            "producer.override.", ProducerConfig.configDef(),
            "consumer.override.", ConsumerConfig.configDef(),
            "admin.override.", AdminClientConfig.configDef());

    public static Set<String> passwordKeys(ConfigDef def) {
        return passwordKeys(def, "");
    }

    /** The PASSWORD keys of {@code def}, each with {@code prefix} in front. */
    public static Set<String> passwordKeys(ConfigDef def, String prefix) {
        Set<String> keys = new HashSet<>();
        def.configKeys().forEach((name, key) -> {
            if (key.type == ConfigDef.Type.PASSWORD) {
                keys.add(prefix + name);
            }
        });
        return keys;
    }

    private static final Set<String> CLIENT_PASSWORD_KEYS = computeClientPasswordKeys();

    /** The PASSWORD keys of the Kafka clients, under the connector override prefixes and the worker's own. */
    public static Set<String> clientPasswordKeys() {
        return CLIENT_PASSWORD_KEYS;
    }

    private static Set<String> computeClientPasswordKeys() {
        Set<String> keys = new HashSet<>();
        CLIENT_OVERRIDES.forEach((prefix, def) -> {
            keys.addAll(passwordKeys(def, prefix));
            keys.addAll(passwordKeys(def, ""));
            keys.addAll(passwordKeys(def, prefix.substring(0, prefix.indexOf('.') + 1)));
        });
        return Set.copyOf(keys);
    }

    /** True for keys whose name says they hold a secret ({@code connection.password}, {@code sasl.jaas.config}). */
    public static boolean looksSecret(String key) {
        return SECRET_NAME.matcher(key).matches();
    }

    public static boolean isSecret(String key, Set<String> passwordKeys) {
        return passwordKeys.contains(key) || looksSecret(key);
    }

    /** How {@code value} of {@code key} is shown: the rule of this class. */
    public static String maskValue(String key, String value, Set<String> passwordKeys) {
        if (value == null || HIDDEN.equals(value) || ConfigProviders.hasPlaceholder(value)) {
            return value;
        }
        if (isSecret(key, passwordKeys)) {
            return HIDDEN;
        }
        return maskUrls(value);
    }

    /** Every password inside a URL of {@code text} replaced by {@link #HIDDEN}. */
    public static String maskUrls(String text) {
        if (text == null || (text.indexOf('@') < 0 && text.indexOf('=') < 0)) {
            return text;
        }
        String out = URL_USER_INFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + HIDDEN + "@"));
        return URL_PASSWORD_PARAM.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + HIDDEN));
    }

    /**
     * Free text (an error message, a stack trace, a log line) with the values of the secret keys of {@code config}
     * and passwords inside URLs replaced by {@link #HIDDEN}. Values of one or two characters are left alone.
     */
    public static String maskText(String text, Map<String, String> config, Set<String> passwordKeys) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (Map.Entry<String, String> e : config.entrySet()) {
            String v = e.getValue();
            if (v != null
                    && v.length() > 2
                    && !HIDDEN.equals(v)
                    && !ConfigProviders.hasPlaceholder(v)
                    && isSecret(e.getKey(), passwordKeys)) {
                out = out.replace(v, HIDDEN);
            }
        }
        return maskUrls(out);
    }

    public static Map<String, String> mask(Map<String, String> config, Set<String> passwordKeys) {
        Map<String, String> out = new LinkedHashMap<>();
        config.forEach((k, v) -> out.put(k, maskValue(k, v, passwordKeys)));
        return out;
    }

    /** A config written back with the secrets restored, and the keys that hold the mask with nothing to keep. */
    public record Unmasked(Map<String, String> config, List<String> problems) {}

    /**
     * The rule for every write of a connector config (REST POST, PUT and PATCH, apply): a value that is exactly how
     * the stored value of its key is shown (the mask {@link #HIDDEN} for a secret key, the URL with its password
     * masked) keeps the stored value, since the writer read the config and sent back what it was shown (read, change
     * one key, write back). With nothing stored to keep, that key is a problem, never stored with the literal mask.
     *
     * @param stored the connector's stored config, empty when it has none
     */
    public static Unmasked unmask(
            String connector, Map<String, String> submitted, Map<String, String> stored, Set<String> passwordKeys) {
        Map<String, String> out = new LinkedHashMap<>(submitted);
        List<String> problems = new ArrayList<>();
        submitted.forEach((key, value) -> {
            if (value == null || !value.contains(HIDDEN)) {
                return;
            }
            String kept = stored.get(key);
            boolean wholeSecret = HIDDEN.equals(value) && isSecret(key, passwordKeys);
            if (kept != null && (wholeSecret || value.equals(maskValue(key, kept, passwordKeys)))) {
                out.put(key, kept);
            } else if (wholeSecret || value.equals(maskUrls(value.replace(HIDDEN, "x")))) {
                problems.add(key + ": the value " + HIDDEN + " is how a secret is shown, not a secret, and"
                        + " connector " + connector + " has no stored value for " + key + " to keep; send the"
                        + " secret itself or a ${provider:path:key} reference");
            }
        });
        return new Unmasked(problems.isEmpty() ? out : submitted, List.copyOf(problems));
    }
}
