package io.vertebra.connect.file.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Every problem of one connector configuration, collected before anything is reported, so a user fixes all of them
 * in one round instead of one per attempt. Each problem names the key, the value and what would be valid.
 *
 * <p>Per-key problems come from the {@link ConfigDef} validators ({@link ConfigDef#validateAll}); problems that
 * involve several keys (for example "neither file.paths nor file.pattern is set") are added by the connector's own
 * cross-checks through {@link #add}. Not thread-safe; one instance per validation.
 */
public final class ConfigProblems {
    private final Map<String, ConfigValue> values;
    private final Map<String, List<String>> crossKeyProblems = new LinkedHashMap<>();

    private ConfigProblems(Map<String, ConfigValue> values) {
        this.values = values;
    }

    /** Runs every validator of {@code definition} over {@code props}. */
    public static ConfigProblems validate(ConfigDef definition, Map<String, String> props) {
        Map<String, ConfigValue> values = definition.validateAll(props);
        for (ConfigValue value : values.values()) {
            // a value that does not parse is validated again as null; that second message only adds noise
            if (value.errorMessages().size() > 1 && props.get(value.name()) != null) {
                value.errorMessages().removeIf(m -> m.startsWith("Invalid value null for configuration "));
            }
        }
        return new ConfigProblems(values);
    }

    /** True when {@code key} passed its own validator, so cross-checks may rely on {@link #value}. */
    public boolean isValid(String key) {
        ConfigValue value = values.get(key);
        return value != null && value.errorMessages().isEmpty() && !crossKeyProblems.containsKey(key);
    }

    /** The parsed value of a key that {@link #isValid is valid}. */
    public Object value(String key) {
        return values.get(key).value();
    }

    /** Records a problem found by a cross-check: "Invalid value V for configuration K: whatIsValid". */
    public void add(String key, Object value, String whatIsValid) {
        String message = new ConfigException(key, value, whatIsValid).getMessage();
        crossKeyProblems.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    /** Records a problem already phrased in full (naming key, value and what is valid), e.g. by {@code AllowedDirs}. */
    public void addMessage(String key, String message) {
        crossKeyProblems.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
    }

    /** Every problem, in the order the keys are defined, cross-check problems after the key's own. */
    public List<String> messages() {
        List<String> all = new ArrayList<>();
        for (ConfigValue value : values.values()) {
            all.addAll(value.errorMessages());
            all.addAll(crossKeyProblems.getOrDefault(value.name(), List.of()));
        }
        crossKeyProblems.forEach((key, messages) -> {
            if (!values.containsKey(key)) {
                all.addAll(messages);
            }
        });
        return all;
    }

    /** Throws one {@link ConfigException} listing every problem, if there is any. */
    public void throwIfAny(String what) {
        List<String> messages = messages();
        if (!messages.isEmpty()) {
            StringBuilder text = new StringBuilder()
                    .append(messages.size())
                    .append(messages.size() == 1 ? " invalid setting" : " invalid settings")
                    .append(" for the ")
                    .append(what)
                    .append(':');
            messages.forEach(m -> text.append("\n - ").append(m));
            throw new ConfigException(text.toString());
        }
    }

    /**
     * The result for {@code Connector.validate}: the per-key results with the cross-check problems attached to
     * their keys, which is what the Connect REST validate endpoint shows per field.
     */
    public Config toConfig() {
        List<ConfigValue> result = new ArrayList<>(values.values());
        crossKeyProblems.forEach((key, messages) -> {
            ConfigValue value = values.get(key);
            if (value == null) {
                value = new ConfigValue(key);
                result.add(value);
            }
            messages.forEach(value::addErrorMessage);
        });
        return new Config(result);
    }
}
