package io.vertebra.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.testkit.KafkaDistribution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What goes wrong while scanning the plugin path does not cost the worker its plugins or its start: a listing that
 * fails (as when a connection flood has used every file handle) keeps the previous plugin set; a symbolic link loop
 * is skipped and reported once, not on every rescan; a plugin whose constructor never returns is named in the log
 * and listed without a version, and the scan finishes anyway.
 */
class PluginScanFailuresTest {
    private static final String BLOCKING = "blocking.BlockingSourceConnector";

    @TempDir
    Path dir;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private AbstractAppender capture;

    @BeforeEach
    void captureWarnings() {
        capture = new AbstractAppender("plugin-scan-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                    warnings.add(event.getMessage().getFormattedMessage());
                }
            }
        };
        capture.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(capture, Level.WARN, null);
        context.updateLoggers();
    }

    @AfterEach
    void stopCapturing() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(capture.getName());
        context.updateLoggers();
        capture.stop();
    }

    @Test
    void aFailedListingKeepsThePreviousPluginSet() throws Exception {
        Path path = Files.createDirectories(dir.resolve("plugins/file"));
        Files.copy(KafkaDistribution.jar("connect-file"), path.resolve("connect-file.jar"));
        AtomicBoolean outOfFileHandles = new AtomicBoolean();
        Plugins.Lister lister = pluginDir -> {
            if (outOfFileHandles.get()) {
                throw new IOException(pluginDir + ": Too many open files");
            }
            return PluginScanner.entries(pluginDir);
        };
        try (Plugins plugins = Plugins.start(
                List.of(path.getParent()), dir.resolve("work"), 0, lister, PluginScanner.VERSION_TIMEOUT_MS)) {
            assertEquals(2, plugins.registry().connectorNames().size());
            outOfFileHandles.set(true);
            assertFalse(plugins.rescan(), "a listing that fails is not an empty directory");
            assertFalse(plugins.rescan());
            assertEquals(2, plugins.registry().connectorNames().size(), "the plugins are still there");
            assertEquals(1, count("cannot list plugin directory"), "reported when it starts failing: " + warnings);
            outOfFileHandles.set(false);
            assertFalse(plugins.rescan(), "readable again, nothing changed");
            assertEquals(2, plugins.registry().connectorNames().size());
        }
    }

    @Test
    void aSymbolicLinkLoopIsSkippedAndReportedOnce() throws Exception {
        Path plugin = Files.createDirectories(dir.resolve("plugins/file"));
        Files.copy(KafkaDistribution.jar("connect-file"), plugin.resolve("connect-file.jar"));
        Files.createSymbolicLink(plugin.resolve("loop"), plugin);
        try (Plugins plugins = Plugins.start(List.of(plugin.getParent()), dir.resolve("work"), 0)) {
            assertEquals(2, plugins.registry().connectorNames().size(), "the plugin loads despite the loop");
            for (int i = 0; i < 3; i++) {
                assertFalse(plugins.rescan(), "the loop does not make the plugin look changed");
            }
            assertEquals(2, plugins.registry().connectorNames().size());
            assertEquals(1, count("symbolic link loop"), warnings.toString());
        }
    }

    @Test
    void aPluginWhoseConstructorBlocksIsNamedAndDoesNotHoldUpTheScan() throws Exception {
        Path pluginPath = Files.createDirectories(dir.resolve("plugins"));
        buildBlockingPlugin(pluginPath.resolve("blocking"));
        Files.createDirectories(pluginPath.resolve("file"));
        Files.copy(KafkaDistribution.jar("connect-file"), pluginPath.resolve("file/connect-file.jar"));
        try (Plugins plugins = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> Plugins.start(List.of(pluginPath), dir.resolve("work"), 0, PluginScanner::entries, 500))) {
            PluginDesc blocking = plugins.registry().all().stream()
                    .filter(d -> d.className().equals(BLOCKING))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the blocking connector is listed"));
            assertEquals(null, blocking.version(), "listed without a version");
            assertEquals(3, plugins.registry().connectorNames().size(), "the other plugin is there too");
            assertEquals(1, count(BLOCKING), warnings.toString());
            assertTrue(
                    warnings.stream().anyMatch(w -> w.contains(BLOCKING) && w.contains("500 ms")), warnings.toString());
        }
    }

    private long count(String text) {
        return warnings.stream().filter(w -> w.contains(text)).count();
    }

    /** A source connector whose constructor never returns, not even when interrupted, jarred as a plugin. */
    private void buildBlockingPlugin(Path pluginDir) throws IOException {
        Path src = Files.createDirectories(dir.resolve("blocking-src/blocking"));
        Files.writeString(src.resolve("BlockingSourceConnector.java"), """
                package blocking;

                import java.util.List;
                import java.util.Map;
                import org.apache.kafka.common.config.ConfigDef;
                import org.apache.kafka.connect.connector.Task;
                import org.apache.kafka.connect.source.SourceConnector;

                public class BlockingSourceConnector extends SourceConnector {
                    public BlockingSourceConnector() {
                        while (true) {
                            try {
                                Thread.sleep(60_000);
                            } catch (InterruptedException e) {
                                // a constructor that ignores interrupts: the worst case
                            }
                        }
                    }

                    @Override public String version() { return "1"; }
                    @Override public void start(Map<String, String> props) {}
                    @Override public Class<? extends Task> taskClass() { return null; }
                    @Override public List<Map<String, String>> taskConfigs(int maxTasks) { return List.of(); }
                    @Override public void stop() {}
                    @Override public ConfigDef config() { return new ConfigDef(); }
                }
                """);
        PluginJars.compileAndJar(
                List.of(src.resolve("BlockingSourceConnector.java")),
                Files.createDirectories(dir.resolve("blocking-classes")),
                pluginDir.resolve("blocking.jar"),
                org.apache.kafka.connect.source.SourceConnector.class,
                BLOCKING);
    }
}
