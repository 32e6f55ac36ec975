package io.vertebra.connect.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.file.fixtures.AllowedDirsProperty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file source reads only below the directories the worker allows: a path outside, a {@code ..} escape and a link
 * out are refused at validation and at start, naming the key; a glob that meets a link out skips that file.
 */
class FileSourceConfinementTest {
    @TempDir
    Path dir;

    private Path allowed;
    private Path secret;
    private AllowedDirsProperty property;

    @BeforeEach
    void confine() throws Exception {
        allowed = Files.createDirectories(dir.resolve("allowed"));
        Path outside = Files.createDirectories(dir.resolve("outside"));
        secret = Files.writeString(outside.resolve("secret.log"), "secret line\n");
        property = AllowedDirsProperty.allow(allowed);
    }

    @AfterEach
    void release() {
        property.close();
    }

    @Test
    void aPathOutsideADotDotEscapeAndALinkOutAreRefusedAtValidateAndStartNamingTheKey() throws Exception {
        Path link = Files.createSymbolicLink(allowed.resolve("innocent.log"), secret);
        for (String path : List.of("/etc/passwd", allowed + "/../outside/secret.log", link.toString())) {
            Map<String, String> props = SourceTaskHarness.props(FileSourceConfig.FILE_PATHS, path);
            List<String> errors =
                    errors(new FileSourceConnector().validate(props).configValues(), "file.paths");
            assertEquals(1, errors.size(), path + ": " + errors);
            assertTrue(errors.get(0).contains(path), errors.get(0));
            assertTrue(errors.get(0).contains("outside the directories connectors may use"), errors.get(0));
            assertTrue(errors.get(0).contains(allowed.toRealPath().toString()), errors.get(0));

            ConfigException atStart = assertThrows(ConfigException.class, () -> new FileSourceConnector().start(props));
            assertTrue(atStart.getMessage().contains("file.paths"), atStart.getMessage());
            FileSourceTask task = new FileSourceTask();
            task.initialize(new SourceTaskHarness(props).context());
            assertThrows(ConfigException.class, () -> task.start(props), "the task refuses too; nothing is read");
        }
    }

    @Test
    void aPatternOutsideOrClimbingWithDotDotIsRefused() {
        for (String pattern : List.of("/etc/*.conf", allowed + "/../outside/*.log", allowed + "/*/../../outside/*")) {
            List<String> errors = errors(
                    new FileSourceConnector()
                            .validate(SourceTaskHarness.props(FileSourceConfig.FILE_PATTERN, pattern))
                            .configValues(),
                    "file.pattern");
            assertEquals(1, errors.size(), pattern + ": " + errors);
            assertTrue(errors.get(0).contains(pattern), errors.get(0));
        }
    }

    @Test
    void filesInsideAreReadAndAGlobSkipsALinkThatLeadsOut() throws Exception {
        Files.writeString(allowed.resolve("app.log"), "one\ntwo\n");
        Files.createSymbolicLink(allowed.resolve("evil.log"), secret);
        Map<String, String> props = SourceTaskHarness.props(FileSourceConfig.FILE_PATTERN, allowed + "/*.log");
        assertTrue(errors(new FileSourceConnector().validate(props).configValues(), "file.pattern")
                .isEmpty());
        try (SourceTaskHarness source = new SourceTaskHarness(props).start()) {
            assertEquals(List.of("one", "two"), source.values(2));
            source.assertNoMoreRecords(); // the secret behind evil.log never comes
        }
    }

    private static List<String> errors(List<ConfigValue> values, String key) {
        return values.stream()
                .filter(v -> v.name().equals(key))
                .findFirst()
                .orElseThrow()
                .errorMessages();
    }
}
