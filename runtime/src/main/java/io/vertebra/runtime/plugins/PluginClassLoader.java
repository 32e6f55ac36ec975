package io.vertebra.runtime.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * A child-first class loader for one plugin: the plugin's own JARs win over the host's, except for the classes the
 * plugin and the runtime must share: the JDK, the Kafka Connect API and kafka-clients ({@code org.apache.kafka.*}
 * whenever the host has the class), and SLF4J. A plugin that bundles its own copy of connect-api therefore still
 * talks to the runtime through the host's interfaces.
 *
 * <p>Thread-safe (class loading is parallel capable).
 */
public final class PluginClassLoader extends URLClassLoader {
    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final Path location;

    public PluginClassLoader(Path location, List<URL> urls, ClassLoader host) {
        super("plugin:" + location.getFileName(), urls.toArray(URL[]::new), host);
        this.location = location;
    }

    public Path location() {
        return location;
    }

    static boolean sharedWithHost(String name) {
        return name.startsWith("java.")
                || name.startsWith("javax.")
                || name.startsWith("jdk.")
                || name.startsWith("sun.")
                || name.startsWith("org.slf4j.")
                || name.startsWith("org.apache.kafka.");
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null && sharedWithHost(name)) {
                try {
                    loaded = getParent().loadClass(name);
                } catch (ClassNotFoundException notInHost) {
                    // e.g. org.apache.kafka.connect.file.* shipped by the plugin itself
                }
            }
            if (loaded == null) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException notInPlugin) {
                    loaded = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    @Override
    public String toString() {
        return "PluginClassLoader{" + location + "}";
    }
}
