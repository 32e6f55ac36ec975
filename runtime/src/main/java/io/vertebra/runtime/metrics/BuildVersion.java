package io.vertebra.runtime.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of Vertebra this process runs, written into the runtime jar by the build ({@code version.properties},
 * filtered with the project version): what {@code vertebra --version} prints and {@code vertebra_build_info} labels.
 * The build does not record the git revision, so neither is reported.
 */
public final class BuildVersion {
    private static final String VERSION = load();

    private BuildVersion() {}

    public static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the version resource", e);
        }
    }
}
