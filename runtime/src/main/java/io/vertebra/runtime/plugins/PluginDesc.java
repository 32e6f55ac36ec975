package io.vertebra.runtime.plugins;

import java.nio.file.Path;

/**
 * One plugin class as found on the plugin path (or in the host).
 *
 * @param className fully qualified class name
 * @param type what kind of plugin it is
 * @param version what the plugin reports, or {@code null} when it reports none
 * @param loader the class loader to load and run it with
 * @param location the plugin path entry it came from, or {@code null} for classes of the host
 */
public record PluginDesc(String className, PluginType type, String version, ClassLoader loader, Path location) {
    public String simpleName() {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
