package io.vertebra.connect.jdbc.config;

import java.util.Arrays;
import java.util.Locale;

/** How rows are written. */
public enum InsertMode {
    INSERT,
    UPSERT,
    UPDATE;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String[] configValues() {
        return Arrays.stream(values()).map(InsertMode::configValue).toArray(String[]::new);
    }

    public static InsertMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public static InsertMode tryParse(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
