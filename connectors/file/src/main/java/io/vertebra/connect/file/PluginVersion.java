package io.vertebra.connect.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this plugin, written into the jar by the build; what {@code version()} of every class returns. */
public final class PluginVersion {
    private static final String VERSION = load();

    private PluginVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = PluginVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the plugin version resource", e);
        }
    }
}
