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
 * A child-first class loader for one plugin, delegating as Kafka Connect's does (see {@link HostClasses}): the
 * classes plugin and worker share (the JDK's, {@code org.apache.kafka.*} with connect-api, connect-runtime and
 * kafka-clients, SLF4J) come from the host even when the plugin bundles its own copy; everything else comes from
 * the plugin's JARs first and from the host only when the plugin lacks it.
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

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null && !HostClasses.fromHost(name)) {
                try {
                    loaded = findClass(name);
                } catch (ClassNotFoundException notInPlugin) {
                    // the host's, below
                }
            }
            if (loaded == null) {
                // parent first, then this plugin's JARs (e.g. a plugin's own org.apache.kafka.connect.util class)
                loaded = super.loadClass(name, false);
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
