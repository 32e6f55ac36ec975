package io.vertebra.connect.file.config;

import java.nio.file.FileSystems;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Accepts an empty string (feature off) or a glob that {@link java.nio.file.FileSystem#getPathMatcher} accepts. */
public final class GlobSyntax implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
        String text = (String) value;
        if (text == null || text.isEmpty()) {
            return;
        }
        try {
            FileSystems.getDefault().getPathMatcher("glob:" + text);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(
                    name,
                    value,
                    "must be a glob such as /var/log/app/*.log or /data/**/*.json; " + e.getDescription()
                            + " near index " + e.getIndex());
        }
    }

    @Override
    public String toString() {
        return "a glob (*, **, ?, [abc], {a,b}), or empty";
    }
}
