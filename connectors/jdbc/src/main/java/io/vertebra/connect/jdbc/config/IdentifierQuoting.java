package io.vertebra.connect.jdbc.config;

import java.util.Arrays;
import java.util.Locale;

/** Whether table and column names are written as quoted identifiers. */
public enum IdentifierQuoting {
    ALWAYS,
    NEVER;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String[] configValues() {
        return Arrays.stream(values()).map(IdentifierQuoting::configValue).toArray(String[]::new);
    }

    public static IdentifierQuoting parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
