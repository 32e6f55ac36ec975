package io.vertebra.runtime.plugins;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

    private final ClassLoader host;
    private final Path extractDir;

    PluginScanner(ClassLoader host, Path extractDir) {
        this.host = host;
        this.extractDir = extractDir;
    }

    /** The plugin path entries below a plugin path directory (an entry given directly as a JAR counts too). */
    static List<Path> entries(Path pluginPathDir) {
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
        } catch (IOException e) {
            log.warn("cannot list plugin directory {}: {}", pluginPathDir, e.toString());
            return List.of();
        }
    }

    static boolean isArchive(Path p) {
        String name = p.getFileName().toString().toLowerCase();
        return Files.isRegularFile(p) && (name.endsWith(".jar") || name.endsWith(".zip"));
    }

    /** A fingerprint that changes whenever a file of the entry is added, removed or rewritten. */
    static String fingerprint(Path entry) {
        try (Stream<Path> files = Files.walk(entry, FileVisitOption.FOLLOW_LINKS)) {
            long[] acc = {0, 0};
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    acc[0] += Files.getLastModifiedTime(f).toMillis()
                            ^ f.toString().hashCode();
                    acc[1] += Files.size(f);
                } catch (IOException e) {
                    acc[1] = -1;
                }
            });
            return acc[0] + ":" + acc[1];
        } catch (IOException | UncheckedIOException e) {
            return "unreadable:" + System.nanoTime();
        }
    }

    /** Scans one entry; never throws for a broken plugin (it is logged and skipped). */
    List<PluginDesc> scan(Path entry) {
        try {
            List<Path> jars = new ArrayList<>();
            Path root = entry;
            if (Files.isRegularFile(entry)
                    && entry.getFileName().toString().toLowerCase().endsWith(".zip")) {
                root = extract(entry);
            }
            if (Files.isDirectory(root)) {
                try (Stream<Path> files = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
                    files.filter(f -> Files.isRegularFile(f)
                                    && f.getFileName().toString().toLowerCase().endsWith(".jar"))
                            .sorted()
                            .forEach(jars::add);
                }
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
            List<PluginDesc> found = new ArrayList<>();
            for (String name : candidates) {
                describe(name, loader, entry, found);
            }
            log.info(
                    "plugin {}: {} plugin classes in {} jars (found by {})",
                    entry,
                    found.size(),
                    jars.size(),
                    scanned ? "scanning classes" : "service manifests");
            return found;
        } catch (IOException | RuntimeException e) {
            log.warn("skipping plugin {}: {}", entry, e.toString());
            return List.of();
        }
    }

    /** Plugins of the host itself (connect-transforms, connect-json, the converters and providers Vertebra ships). */
    List<PluginDesc> scanHost(List<String> classNames) {
        List<PluginDesc> found = new ArrayList<>();
        for (String name : classNames) {
            describe(name, host, null, found);
        }
        return found;
    }

    private void describe(String name, ClassLoader loader, Path location, List<PluginDesc> out) {
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (Throwable e) {
            return; // a class whose dependencies are missing cannot be a usable plugin
        }
        if (!java.lang.reflect.Modifier.isPublic(type.getModifiers())) {
            return;
        }
        if (location != null && type.getClassLoader() != loader) {
            return; // a host class visible through the plugin's loader: reported by the host scan
        }
        for (PluginType pluginType : PluginType.of(type)) {
            out.add(new PluginDesc(name, pluginType, version(type, loader), loader, location));
        }
    }

    static String version(Class<?> type, ClassLoader loader) {
        if (!Versioned.class.isAssignableFrom(type) && !Connector.class.isAssignableFrom(type)) {
            return null;
        }
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

    private static Set<String> looseClassNames(Path root) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                String rel = root.relativize(f).toString();
                names.add(rel.substring(0, rel.length() - 6).replace(java.io.File.separatorChar, '.'));
            });
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
