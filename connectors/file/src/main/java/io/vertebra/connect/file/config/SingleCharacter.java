package io.vertebra.connect.file.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Accepts exactly one character; {@code \t} is accepted as a tab, since a literal tab is hard to type in JSON. */
public final class SingleCharacter implements ConfigDef.Validator {
    /** The character a validated value stands for. */
    public static char of(String value) {
        return "\\t".equals(value) ? '\t' : value.charAt(0);
    }

    @Override
    public void ensureValid(String name, Object value) {
        String text = (String) value;
        if (text == null || !(text.length() == 1 || "\\t".equals(text))) {
            throw new ConfigException(name, value, "must be exactly one character (\\t for a tab)");
        }
    }

    @Override
    public String toString() {
        return "one character (\\t for a tab)";
    }
}
