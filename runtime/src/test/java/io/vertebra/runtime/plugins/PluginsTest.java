package io.vertebra.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.testkit.KafkaDistribution;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin layouts Kafka Connect accepts, class loader isolation, aliases, and rescans. */
class PluginsTest {
    @TempDir
    Path dir;

    private static final String SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";

    @Test
    void directoryUberJarAndZipLayoutsAndManifestlessScanning() throws Exception {
        Path jar = KafkaDistribution.jar("connect-file");
        Path path = Files.createDirectories(dir.resolve("plugins"));
        Files.createDirectories(path.resolve("as-directory"));
        Files.copy(jar, path.resolve("as-directory/connect-file.jar"));
        Files.copy(jar, path.resolve("as-uber.jar"));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(path.resolve("as-zip.zip")))) {
            zip.putNextEntry(new ZipEntry("connect-file/lib/connect-file.jar"));
            Files.copy(jar, zip);
            zip.closeEntry();
        }
        withoutServiceManifests(jar, path.resolve("legacy.jar"));
        try (Plugins plugins = Plugins.start(List.of(path), dir.resolve("work"), 0)) {
            List<PluginDesc> sources = plugins.registry().all().stream()
                    .filter(d -> d.className().equals(SOURCE))
                    .toList();
            assertEquals(4, sources.size(), sources.toString());
            assertEquals(4, sources.stream().map(PluginDesc::loader).distinct().count(), "one class loader per plugin");
            for (PluginDesc d : sources) {
                Connector c = PluginRegistry.newInstance(d, Connector.class);
                assertEquals(d.loader(), c.getClass().getClassLoader(), "the plugin's class comes from its own loader");
                assertNotSame(Connector.class.getClassLoader(), c.getClass().getClassLoader());
                assertEquals(Connector.class, c.getClass().getSuperclass().getSuperclass(), "the API is the host's");
            }
        }
    }

    @Test
    void aliasesAndHostPlugins() throws Exception {
        Path path = Files.createDirectories(dir.resolve("plugins/file"));
        Files.copy(KafkaDistribution.jar("connect-file"), path.resolve("connect-file.jar"));
        try (Plugins plugins = Plugins.start(List.of(path.getParent()), dir.resolve("work"), 0)) {
            PluginRegistry r = plugins.registry();
            for (String alias : List.of(SOURCE, "FileStreamSourceConnector", "FileStreamSource")) {
                assertEquals(
                        SOURCE, r.find(alias, PluginType.SOURCE).orElseThrow().className(), alias);
            }
            assertTrue(r.find("org.apache.kafka.connect.transforms.RegexRouter", PluginType.TRANSFORMATION)
                    .isPresent());
            assertTrue(r.find("org.apache.kafka.connect.json.JsonConverter", PluginType.CONVERTER)
                    .isPresent());
            assertTrue(
                    r.find("org.apache.kafka.connect.converters.ByteArrayConverter", PluginType.CONVERTER)
                            .isPresent(),
                    "Kafka Connect's class name of ByteArrayConverter resolves to ours");
            assertEquals(
                    "io.vertebra.runtime.pipeline.ByteArrayConverter",
                    r.find("ByteArrayConverter", PluginType.CONVERTER)
                            .orElseThrow()
                            .className(),
                    "the alias stays unambiguous with connect-runtime on the class path");
            for (String name : List.of("org.apache.kafka.connect.converters.LongConverter", "LongConverter")) {
                assertTrue(
                        r.find(name, PluginType.CONVERTER).isPresent(),
                        "connect-runtime's converters come with the host, as in Kafka Connect: " + name);
            }
            assertFalse(r.find("FileStreamSink", PluginType.SOURCE).isPresent(), "a sink is not a source");
        }
    }

    @Test
    void aPluginDroppedInOrRemovedIsNoticedByARescan() throws Exception {
        Path path = Files.createDirectories(dir.resolve("plugins"));
        try (Plugins plugins = Plugins.start(List.of(path), dir.resolve("work"), 0)) {
            assertTrue(plugins.registry().connectorNames().isEmpty());
            Files.createDirectories(path.resolve("file"));
            Files.copy(KafkaDistribution.jar("connect-file"), path.resolve("file/connect-file.jar"));
            assertTrue(plugins.rescan());
            assertEquals(2, plugins.registry().connectorNames().size());
            assertFalse(plugins.rescan(), "nothing changed");
            Files.delete(path.resolve("file/connect-file.jar"));
            Files.delete(path.resolve("file"));
            assertTrue(plugins.rescan());
            assertTrue(plugins.registry().connectorNames().isEmpty());
        }
    }

    @Test
    void aSymlinkedPluginDirectoryAndASymlinkedJarAreFollowed() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("opt/connect-file-4.3"));
        Files.copy(KafkaDistribution.jar("connect-file"), elsewhere.resolve("connect-file.jar"));
        Path path = Files.createDirectories(dir.resolve("plugins"));
        Files.createSymbolicLink(path.resolve("file-linked-dir"), elsewhere); // how package managers install plugins
        Files.createDirectories(path.resolve("file-linked-jar"));
        Files.createSymbolicLink(
                path.resolve("file-linked-jar/connect-file.jar"), elsewhere.resolve("connect-file.jar"));
        try (Plugins plugins = Plugins.start(List.of(path), dir.resolve("work"), 0)) {
            List<PluginDesc> sources = plugins.registry().all().stream()
                    .filter(d -> d.className().equals(SOURCE))
                    .toList();
            assertEquals(2, sources.size(), "both the linked directory and the linked jar: " + sources);
        }
    }

    /** A copy of the jar without META-INF/services: a plugin written before KIP-898, found only by scanning. */
    private static void withoutServiceManifests(Path from, Path to) throws IOException {
        try (JarFile in = new JarFile(from.toFile());
                OutputStream file = Files.newOutputStream(to);
                JarOutputStream out = new JarOutputStream(file)) {
            Enumeration<JarEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                if (e.getName().startsWith("META-INF/services") || e.getName().equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(e.getName()));
                try (InputStream data = in.getInputStream(e)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }
}
