package io.vertebra.connect.file.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A string setting that takes one of a few lower-case words, compared case-insensitively. It is both the validator
 * (the error lists the valid words) and the recommender (UIs offer the words).
 */
public final class Choice implements ConfigDef.Validator, ConfigDef.Recommender {
    private final List<String> words;

    private Choice(List<String> words) {
        this.words = words;
    }

    public static Choice of(String... words) {
        return new Choice(List.of(words));
    }

    /** The chosen word, lower-cased; the value has been validated by this instance. */
    public static String normalize(String value) {
        return value.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (value == null || !words.contains(normalize((String) value))) {
            throw new ConfigException(name, value, "must be one of " + String.join(", ", words));
        }
    }

    @Override
    public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
        return List.copyOf(words);
    }

    @Override
    public boolean visible(String name, Map<String, Object> parsedConfig) {
        return true;
    }

    @Override
    public String toString() {
        return "one of " + String.join(", ", words);
    }
}
