package io.vertebra.runtime.plugins;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.Connector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the plugins in one plugin path entry, the layouts Kafka Connect accepts: a directory of JARs (and class
 * files), an uber JAR, or a zip of either (extracted to a work directory first). Each entry gets its own
 * {@link PluginClassLoader}. Classes are found through {@code META-INF/services} manifests and by scanning every
 * class file, so plugins written before manifests existed are found too.
 *
 * <p>Called by {@link Plugins} on its scan thread; loads classes but initializes only the plugin classes it asks for
 * a version.
 */
final class PluginScanner {
    private static final Logger log = LoggerFactory.getLogger(PluginScanner.class);

    /** How long the plugins of one entry may take to be constructed for their versions, all together. */
    static final long VERSION_TIMEOUT_MS = 5_000;

    private final ClassLoader host;
    private final Path extractDir;
    private final long versionTimeoutMs;
    /** Daemon threads that construct plugins; one stuck in a blocking constructor is left behind, not waited for. */
    private final ExecutorService constructors = Executors.newCachedThreadPool(new ThreadFactory() {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "plugin-version-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });
    /** Link loops already reported, so a rescan every few seconds does not report them again. */
    private final Set<Path> reportedLoops = ConcurrentHashMap.newKeySet();

    PluginScanner(ClassLoader host, Path extractDir) {
        this(host, extractDir, VERSION_TIMEOUT_MS);
    }

    PluginScanner(ClassLoader host, Path extractDir, long versionTimeoutMs) {
        this.host = host;
        this.extractDir = extractDir;
        this.versionTimeoutMs = versionTimeoutMs;
    }

    /** Lets the constructor threads go; one blocked in a plugin's constructor stays blocked (it is a daemon). */
    void close() {
        constructors.shutdownNow();
    }

    /**
     * The plugin path entries below a plugin path directory (an entry given directly as a JAR counts too); none when
     * the directory does not exist. A directory that exists but cannot be listed (no file handles left, no
     * permission) throws: that is not an empty directory, and the caller keeps what it found there before.
     */
    static List<Path> entries(Path pluginPathDir) throws IOException {
        if (Files.isRegularFile(pluginPathDir)) {
            return List.of(pluginPathDir);
        }
        if (!Files.isDirectory(pluginPathDir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(pluginPathDir)) {
            return children.filter(p -> Files.isDirectory(p) || isArchive(p))
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static boolean isArchive(Path p) {
        String name = p.getFileName().toString().toLowerCase();
        return Files.isRegularFile(p) && (name.endsWith(".jar") || name.endsWith(".zip"));
    }

    /**
     * A fingerprint that changes whenever a file of the entry is added, removed or rewritten. Throws when the entry
     * cannot be read (then it is not known to have changed).
     */
    String fingerprint(Path entry) throws IOException {
        long modified = 0;
        long size = 0;
        for (Path f : regularFiles(entry)) {
            modified += Files.getLastModifiedTime(f).toMillis() ^ f.toString().hashCode();
            size += Files.size(f);
        }
        return modified + ":" + size;
    }

    /**
     * The regular files of an entry (itself when it is a file), following symbolic links. A link loop is skipped,
     * and reported once (not on every rescan); any other failure to read throws.
     */
    List<Path> regularFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(
                root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        if (attributes.isRegularFile()) {
                            files.add(file);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException) {
                            if (reportedLoops.add(file)) {
                                log.warn("plugin {}: {} is a symbolic link loop; skipping it", root, file);
                            }
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
        files.sort(null);
        return files;
    }

    /**
     * Scans one entry. A broken plugin (a bad jar, classes that do not link) is logged and yields no plugins; an
     * entry that cannot be read (no file handles left) throws, so that the caller keeps what it found before.
     */
    List<PluginDesc> scan(Path entry) throws IOException {
        try {
            List<Path> jars = new ArrayList<>();
            Path root = entry;
            if (Files.isRegularFile(entry)
                    && entry.getFileName().toString().toLowerCase().endsWith(".zip")) {
                root = extract(entry);
            }
            if (Files.isDirectory(root)) {
                regularFiles(root).stream()
                        .filter(f -> f.getFileName().toString().toLowerCase().endsWith(".jar"))
                        .forEach(jars::add);
            } else {
                jars.add(root);
            }
            List<URL> urls = new ArrayList<>();
            if (Files.isDirectory(root)) {
                urls.add(root.toUri().toURL());
            }
            for (Path jar : jars) {
                urls.add(jar.toUri().toURL());
            }
            PluginClassLoader loader = new PluginClassLoader(entry, urls, host);
            // a plugin that declares its connectors in META-INF/services manifests (KIP-898) is taken at its word;
            // one that does not is scanned class by class (slow for big plugins, as in Kafka Connect)
            Set<String> candidates = new LinkedHashSet<>();
            boolean declaresConnectors = false;
            for (Path jar : jars) {
                candidates.addAll(serviceClassNames(jar));
                declaresConnectors |= declaresConnectors(jar);
            }
            boolean scanned = !declaresConnectors;
            if (scanned) {
                for (Path jar : jars) {
                    candidates.addAll(classNames(jar));
                }
                if (Files.isDirectory(root)) {
                    candidates.addAll(looseClassNames(root));
                }
            }
            List<PluginDesc> found = describe(candidates, loader, entry);
            log.info(
                    "plugin {}: {} plugin classes in {} jars (found by {})",
                    entry,
                    found.size(),
                    jars.size(),
                    scanned ? "scanning classes" : "service manifests");
            return found;
        } catch (java.util.zip.ZipException | RuntimeException e) {
            log.warn("skipping plugin {}: {}", entry, e.toString());
            return List.of();
        }
    }

    /** Plugins of the host itself (connect-transforms, connect-json, the converters and providers Vertebra ships). */
    List<PluginDesc> scanHost(List<String> classNames) {
        return describe(classNames, host, null);
    }

    /**
     * The plugins among {@code names}, each with its version. A version needs an instance: the plugins are
     * constructed on {@link #constructors} threads, and one whose constructor (or {@code version()}) has not returned
     * after {@link #versionTimeoutMs} is named in the log and listed without a version, so a plugin that blocks
     * cannot keep the worker from starting.
     */
    private List<PluginDesc> describe(java.util.Collection<String> names, ClassLoader loader, Path location) {
        record Found(String name, Class<?> type, Future<String> version) {}
        List<Found> found = new ArrayList<>();
        for (String name : names) {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (Throwable e) {
                continue; // a class whose dependencies are missing cannot be a usable plugin
            }
            if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            if (location != null && type.getClassLoader() != loader) {
                continue; // a host class visible through the plugin's loader: reported by the host scan
            }
            if (PluginType.of(type).isEmpty()) {
                continue;
            }
            Future<String> version = needsInstance(type)
                    ? constructors.submit(() -> version(type, loader))
                    : CompletableFuture.completedFuture(null);
            found.add(new Found(name, type, version));
        }
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(versionTimeoutMs);
        List<PluginDesc> out = new ArrayList<>();
        for (Found f : found) {
            String version = null;
            try {
                version = f.version.get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.version.cancel(true);
                log.warn(
                        "plugin class {}{}: constructing it or calling version() did not return within {} ms;"
                                + " listed without a version. Its constructor blocks, which Connect plugins must not"
                                + " do (the worker constructs plugins to list them)",
                        f.name,
                        location == null ? "" : " in " + location,
                        versionTimeoutMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // version() threw: listed without a version, as before
            }
            for (PluginType pluginType : PluginType.of(f.type)) {
                out.add(new PluginDesc(f.name, pluginType, version, loader, location));
            }
        }
        return out;
    }

    private static boolean needsInstance(Class<?> type) {
        return Versioned.class.isAssignableFrom(type) || Connector.class.isAssignableFrom(type);
    }

    /** The version an instance of {@code type} reports, with the plugin's loader as context; null if none. */
    static String version(Class<?> type, ClassLoader loader) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Object instance = type.getDeclaredConstructor().newInstance();
            String v = ((Versioned) instance).version();
            return v == null || v.isBlank() ? null : v;
        } catch (Throwable e) {
            return null;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static boolean declaresConnectors(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getEntry("META-INF/services/"
                                    + PluginType.SOURCE.superType().getName())
                            != null
                    || file.getEntry("META-INF/services/"
                                    + PluginType.SINK.superType().getName())
                            != null;
        }
    }

    private static Set<String> serviceClassNames(Path jar) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (PluginType type : PluginType.values()) {
                ZipEntry services =
                        file.getEntry("META-INF/services/" + type.superType().getName());
                if (services != null) {
                    try (InputStream in = file.getInputStream(services)) {
                        names.addAll(serviceNames(in));
                    }
                }
            }
        }
        return names;
    }

    private static Set<String> classNames(Path jar) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String entry = entries.nextElement().getName();
                if (entry.endsWith(".class") && !entry.contains("-") && !entry.startsWith("META-INF/")) {
                    names.add(entry.substring(0, entry.length() - 6).replace('/', '.'));
                }
            }
        }
        return names;
    }

    private Set<String> looseClassNames(Path root) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Path f : regularFiles(root)) {
            if (f.toString().endsWith(".class")) {
                String rel = root.relativize(f).toString();
                names.add(rel.substring(0, rel.length() - 6).replace(java.io.File.separatorChar, '.'));
            }
        }
        return names;
    }

    private static List<String> serviceNames(InputStream in) throws IOException {
        List<String> names = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = reader.readLine()) != null; ) {
            int hash = line.indexOf('#');
            String name = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private Path extract(Path zip) throws IOException {
        String fingerprint = Long.toHexString(Files.getLastModifiedTime(zip).toMillis() ^ Files.size(zip));
        Path target = extractDir.resolve(zip.getFileName() + "-" + fingerprint);
        if (Files.isDirectory(target)) {
            return target;
        }
        Path partial = extractDir.resolve(target.getFileName() + ".partial-" + System.nanoTime());
        Files.createDirectories(partial);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                Path out = partial.resolve(entry.getName()).normalize();
                if (!out.startsWith(partial)) {
                    throw new IOException("zip entry " + entry.getName() + " escapes the plugin directory");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
