package io.vertebra.connect.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The plugin's version, written into a resource by the build. */
final class Version {
    private static final String VERSION = load();

    private Version() {}

    static String get() {
        return VERSION;
    }

    private static String load() {
        Properties properties = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/vertebra-jdbc-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }
}
