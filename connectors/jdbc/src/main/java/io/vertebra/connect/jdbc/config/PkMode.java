package io.vertebra.connect.jdbc.config;

import java.util.Arrays;
import java.util.Locale;

/** Where a row's primary key comes from. */
public enum PkMode {
    NONE,
    KAFKA,
    RECORD_KEY,
    RECORD_VALUE;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static String[] configValues() {
        return Arrays.stream(values()).map(PkMode::configValue).toArray(String[]::new);
    }

    public static PkMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public static PkMode tryParse(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
