package io.vertebra.runtime.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live set of plugins: scans the plugin path at start and then every {@code scanIntervalMs}, so a plugin
 * dropped into a plugin directory while the worker runs is listed within seconds. Only entries whose files changed
 * are rescanned; each rescan builds a new immutable {@link PluginRegistry} and swaps it in. A removed plugin
 * disappears from the registry, while tasks already running keep their class loader.
 *
 * <p>Thread-safe: {@link #registry()} is a volatile read; scanning happens on one private thread.
 */
public final class Plugins implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Plugins.class);

    /** Plugin classes that come with the runtime itself, found by ServiceLoader manifests on the host class path. */
    private static final List<Class<?>> HOST_SERVICES = List.of(
            org.apache.kafka.connect.storage.Converter.class,
            org.apache.kafka.connect.storage.HeaderConverter.class,
            org.apache.kafka.connect.transforms.Transformation.class,
            org.apache.kafka.connect.transforms.predicates.Predicate.class);

    private static final List<String> HOST_EXTRA = List.of(
            "org.apache.kafka.connect.json.JsonConverter",
            "org.apache.kafka.connect.storage.StringConverter",
            "org.apache.kafka.connect.storage.SimpleHeaderConverter",
            "io.vertebra.runtime.pipeline.ByteArrayConverter",
            "org.apache.kafka.common.config.provider.FileConfigProvider",
            "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
            "org.apache.kafka.common.config.provider.DirectoryConfigProvider");

    private final List<Path> pluginPath;
    private final PluginScanner scanner;
    private final List<PluginDesc> hostPlugins;
    private final Map<Path, Scanned> scanned = new HashMap<>();
    private final ScheduledExecutorService scanThread;
    private volatile PluginRegistry registry;

    private final Lister lister;
    /** Plugin path directories and entries that could not be read at the last rescan. */
    private final Set<Path> failing = new HashSet<>();

    private record Scanned(String fingerprint, List<PluginDesc> plugins) {}

    /** Lists the entries of a plugin path directory; a seam for tests that make a listing fail. */
    @FunctionalInterface
    interface Lister {
        List<Path> entries(Path pluginPathDir) throws IOException;
    }

    private Plugins(List<Path> pluginPath, Path workDir, long scanIntervalMs, Lister lister, long versionTimeoutMs) {
        this.pluginPath = pluginPath;
        this.lister = lister;
        ClassLoader host = Plugins.class.getClassLoader();
        this.scanner = new PluginScanner(host, workDir, versionTimeoutMs);
        this.hostPlugins = scanner.scanHost(hostClassNames(host));
        rescan();
        this.scanThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "plugin-scan");
            t.setDaemon(true);
            return t;
        });
        if (scanIntervalMs > 0) {
            scanThread.scheduleWithFixedDelay(
                    this::rescanQuietly, scanIntervalMs, scanIntervalMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Scans {@code pluginPath} now and keeps watching it. {@code workDir} receives extracted zips. */
    public static Plugins start(List<Path> pluginPath, Path workDir, long scanIntervalMs) {
        return start(pluginPath, workDir, scanIntervalMs, PluginScanner::entries, PluginScanner.VERSION_TIMEOUT_MS);
    }

    /** As above with a directory lister and a time limit for constructing a plugin entry's classes (tests). */
    static Plugins start(
            List<Path> pluginPath, Path workDir, long scanIntervalMs, Lister lister, long versionTimeoutMs) {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create plugin work directory " + workDir + ": " + e, e);
        }
        return new Plugins(List.copyOf(pluginPath), workDir, scanIntervalMs, lister, versionTimeoutMs);
    }

    public PluginRegistry registry() {
        return registry;
    }

    private static List<String> hostClassNames(ClassLoader host) {
        List<String> names = new ArrayList<>();
        for (Class<?> service : HOST_SERVICES) {
            // connect-runtime's own ByteArrayConverter is listed by the service manifests, but configs naming it
            // get ours (PluginRegistry.RENAMED): listing both would make the alias ByteArrayConverter ambiguous
            ServiceLoader.load(service, host).stream()
                    .map(p -> p.type().getName())
                    .filter(name -> !PluginRegistry.RENAMED.containsKey(name))
                    .forEach(names::add);
        }
        for (String extra : HOST_EXTRA) {
            if (!names.contains(extra)) {
                names.add(extra);
            }
        }
        return names;
    }

    private void rescanQuietly() {
        try {
            rescan();
        } catch (RuntimeException e) {
            log.warn("plugin rescan failed; keeping the previous plugin set", e);
        }
    }

    /**
     * Rescans changed plugin path entries; returns true when the registry changed. Public for tests.
     *
     * <p>What cannot be read now (a listing or a jar failing because the process has no file handles left) keeps
     * what was found there before: a failure is not an empty directory, and dropping every plugin because of a
     * connection flood would fail every connector that starts meanwhile. Each failure is logged when it starts and
     * when it ends, not on every rescan.
     */
    public synchronized boolean rescan() {
        Map<Path, Scanned> now = new LinkedHashMap<>();
        boolean changed = registry == null;
        Set<Path> failingNow = new HashSet<>();
        for (Path dir : pluginPath) {
            List<Path> entries;
            try {
                entries = lister.entries(dir);
            } catch (IOException e) {
                failed(failingNow, dir, "cannot list plugin directory " + dir, e);
                scanned.forEach((entry, previous) -> {
                    if (entry.equals(dir) || dir.equals(entry.getParent())) {
                        now.put(entry, previous);
                    }
                });
                continue;
            }
            for (Path entry : entries) {
                Scanned previous = scanned.get(entry);
                try {
                    String fingerprint = scanner.fingerprint(entry);
                    if (previous != null && previous.fingerprint.equals(fingerprint)) {
                        now.put(entry, previous);
                    } else {
                        now.put(entry, new Scanned(fingerprint, scanner.scan(entry)));
                        changed = true;
                    }
                } catch (IOException | UncheckedIOException e) {
                    failed(failingNow, entry, "cannot read plugin " + entry, e);
                    if (previous != null) {
                        now.put(entry, previous);
                    }
                }
            }
        }
        for (Path recovered : failing) {
            if (!failingNow.contains(recovered)) {
                log.info("plugin path {} can be read again", recovered);
            }
        }
        failing.clear();
        failing.addAll(failingNow);
        if (!now.keySet().equals(scanned.keySet())) {
            changed = true;
        }
        if (changed) {
            scanned.clear();
            scanned.putAll(now);
            List<PluginDesc> all = new ArrayList<>(hostPlugins);
            now.values().forEach(s -> all.addAll(s.plugins));
            registry = new PluginRegistry(all);
            log.info(
                    "plugin registry: {} plugins ({} connectors) from {} plugin path entries",
                    all.size(),
                    registry.connectorNames().size(),
                    now.size());
        }
        return changed;
    }

    private void failed(Set<Path> failingNow, Path path, String what, Exception e) {
        failingNow.add(path);
        if (!failing.contains(path)) {
            log.warn("{}: {}; keeping the plugins found there before until it can be read", what, e.toString());
        }
    }

    @Override
    public void close() {
        scanThread.shutdownNow();
        scanner.close();
    }
}
