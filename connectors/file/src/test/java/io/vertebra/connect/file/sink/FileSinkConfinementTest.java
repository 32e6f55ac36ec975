package io.vertebra.connect.file.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.file.fixtures.AllowedDirsProperty;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file sink writes only below the directories the worker allows: a path outside, a {@code ..} escape and a link
 * out are refused at validation and at start naming file.path, and a link placed after the start is refused when the
 * file is opened; nothing is written outside.
 */
class FileSinkConfinementTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;

    private Path allowed;
    private Path outside;
    private AllowedDirsProperty property;

    @BeforeEach
    void confine() throws Exception {
        allowed = Files.createDirectories(dir.resolve("allowed"));
        outside = Files.createDirectories(dir.resolve("outside"));
        property = AllowedDirsProperty.allow(allowed);
    }

    @AfterEach
    void release() {
        property.close();
    }

    private static Map<String, String> props(String path) {
        return Map.of("topics", "orders", FileSinkConfig.FILE_PATH, path);
    }

    @Test
    void aPathOutsideADotDotEscapeAndALinkOutAreRefusedAtValidateAndStart() throws Exception {
        Path link = Files.createSymbolicLink(allowed.resolve("out"), outside);
        for (String path : List.of(
                outside.resolve("x.jsonl").toString(),
                allowed + "/../outside/${topic}.jsonl",
                link + "/${topic}-${partition}.jsonl")) {
            List<String> errors = new FileSinkConnector()
                    .validate(props(path)).configValues().stream()
                            .filter(v -> v.name().equals(FileSinkConfig.FILE_PATH))
                            .findFirst()
                            .map(ConfigValue::errorMessages)
                            .orElseThrow();
            assertEquals(1, errors.size(), path + ": " + errors);
            assertTrue(errors.get(0).contains("file.path"), errors.get(0));
            assertTrue(errors.get(0).contains(path), errors.get(0));
            assertThrows(ConfigException.class, () -> new FileSinkConnector().start(props(path)));
            assertThrows(ConfigException.class, () -> new SinkTaskHarness(props(path), Time.SYSTEM));
        }
        try (var files = Files.list(outside)) {
            assertEquals(List.of(), files.toList(), "nothing written outside");
        }
    }

    @Test
    void aLinkPlacedAfterTheStartIsRefusedWhenTheFileIsOpened() throws Exception {
        Path file = allowed.resolve("orders.jsonl");
        SinkTaskHarness sink = new SinkTaskHarness(props(file.toString()), Time.SYSTEM);
        Files.createSymbolicLink(file, outside.resolve("planted.jsonl"));
        ConnectException e = assertThrows(ConnectException.class, () -> sink.open(TP));
        assertTrue(e.getMessage().contains("file.path"), e.getMessage());
        assertFalse(Files.exists(outside.resolve("planted.jsonl")), "the link's target was not created");
    }

    @Test
    void aPathInsideIsWritten() throws Exception {
        Path file = allowed.resolve("sub/../orders.jsonl");
        SinkTaskHarness sink = new SinkTaskHarness(props(file.toString()), Time.SYSTEM).open(TP);
        sink.put(SinkTaskHarness.lines(TP, "line", 0, 2));
        sink.flush();
        assertEquals("line0\nline1\n", Files.readString(allowed.resolve("orders.jsonl")));
    }
}
