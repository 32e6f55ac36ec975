package io.vertebra.connect.file.config;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Accepts an empty string (feature off) or a valid {@link Pattern java.util.regex} expression. */
public final class RegexSyntax implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
        String text = (String) value;
        if (text == null || text.isEmpty()) {
            return;
        }
        try {
            Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(
                    name,
                    value,
                    "must be a java.util.regex pattern; " + e.getDescription() + " near index " + e.getIndex());
        }
    }

    @Override
    public String toString() {
        return "a java.util.regex pattern, or empty";
    }
}
