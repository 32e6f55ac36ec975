package io.vertebra.connect.file.sink;

import static io.vertebra.connect.file.sink.SinkTaskHarness.lines;
import static io.vertebra.connect.file.sink.SinkTaskHarness.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.file.fixtures.ManualTime;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file sink against real files: formats, commits, rolling, crash recovery. */
class FileSinkTaskTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;

    private Map<String, String> props(String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put("topics", "orders");
        props.put(FileSinkConfig.FILE_PATH, dir.resolve("out.log").toString());
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    private static String expectedLines(String prefix, int from, int to) {
        StringBuilder text = new StringBuilder();
        IntStream.range(from, to).forEach(i -> text.append(prefix).append(i).append('\n'));
        return text.toString();
    }

    @Test
    void writesLinesAndMakesThemDurableWithTheirOffsetsOnFlush() throws Exception {
        SinkTaskHarness sink = new SinkTaskHarness(props(), Time.SYSTEM).open(TP);
        sink.put(lines(TP, "line", 0, 3));
        sink.flush();
        assertEquals(expectedLines("line", 0, 3), Files.readString(dir.resolve("out.log")));
        CommitMarker.State marker = CommitMarker.read(CommitMarker.pathFor(dir.resolve("out.log")));
        assertEquals(new CommitMarker.State(18, Map.of(TP, 3L)), marker);
        sink.task.stop();
    }

    @Test
    void jsonWritesOneObjectPerLineWithReadableLogicalTypes() throws Exception {
        Schema schema = SchemaBuilder.struct()
                .field("id", Schema.INT32_SCHEMA)
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field("price", Decimal.schema(2))
                .field("at", Timestamp.SCHEMA)
                .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
                .field(
                        "inner",
                        SchemaBuilder.struct()
                                .field("x", Schema.FLOAT64_SCHEMA)
                                .optional()
                                .build())
                .build();
        Struct value = new Struct(schema)
                .put("id", 7)
                .put("tags", List.of("a", "b"))
                .put("price", new BigDecimal("12.50"))
                .put("at", new java.util.Date(0))
                .put("raw", new byte[] {1, 2})
                .put("inner", null);
        Map<String, Object> schemaless = new LinkedHashMap<>();
        schemaless.put("k", List.of(1, 2));
        SinkTaskHarness sink = new SinkTaskHarness(
                        props(FileSinkConfig.FORMAT, "json", FileSinkConfig.NULL_VALUES, "write"), Time.SYSTEM)
                .open(TP);
        sink.put(List.of(
                record("orders", 0, 0, schema, value),
                record("orders", 0, 1, null, schemaless),
                record("orders", 0, 2, Schema.STRING_SCHEMA, "text"),
                record("orders", 0, 3, null, null)));
        sink.task.stop();
        assertEquals(
                "{\"id\":7,\"tags\":[\"a\",\"b\"],\"price\":12.50,\"at\":\"1970-01-01T00:00:00Z\",\"raw\":\"AQI=\","
                        + "\"inner\":null}\n"
                        + "{\"k\":[1,2]}\n"
                        + "\"text\"\n"
                        + "null\n",
                Files.readString(dir.resolve("out.log")));
    }

    @Test
    void nullValuesAreSkippedByDefaultButTheirOffsetsCount() throws Exception {
        SinkTaskHarness sink = new SinkTaskHarness(props(), Time.SYSTEM).open(TP);
        sink.put(List.of(
                record("orders", 0, 0, Schema.STRING_SCHEMA, "a"),
                record("orders", 0, 1, null, null),
                record("orders", 0, 2, null, Map.of("n", 1))));
        sink.flush();
        assertEquals("a\n{\"n\":1}\n", Files.readString(dir.resolve("out.log")));
        assertEquals(
                Map.of(TP, 3L),
                CommitMarker.read(CommitMarker.pathFor(dir.resolve("out.log"))).nextOffsets());
        sink.task.stop();
    }

    @Test
    void rollsBySizeIntoNumberedFilesThatTogetherHoldEveryLineInOrder() throws Exception {
        SinkTaskHarness sink = new SinkTaskHarness(props(FileSinkConfig.ROLL_SIZE_BYTES, "100"), Time.SYSTEM).open(TP);
        sink.put(lines(TP, "record-", 0, 50));
        sink.task.stop();
        List<Path> rolled;
        try (Stream<Path> files = Files.list(dir)) {
            rolled = files.filter(p -> p.getFileName().toString().matches("out\\.log\\.\\d{6}"))
                    .sorted()
                    .toList();
        }
        assertTrue(rolled.size() >= 4, "rolled files: " + rolled);
        StringBuilder all = new StringBuilder();
        for (Path file : rolled) {
            String text = Files.readString(file);
            assertTrue(text.length() >= 100 && text.length() < 100 + 10, file + " has " + text.length() + " bytes");
            all.append(text);
        }
        all.append(Files.readString(dir.resolve("out.log")));
        assertEquals(expectedLines("record-", 0, 50), all.toString());
        assertEquals("out.log.000001", rolled.get(0).getFileName().toString());
    }

    @Test
    void rollsByTimeCountedFromTheFirstRecordOfTheFile() throws Exception {
        ManualTime time = new ManualTime();
        SinkTaskHarness sink = new SinkTaskHarness(props(FileSinkConfig.ROLL_INTERVAL_MS, "60000"), time).open(TP);
        time.advance(120_000); // an empty file does not roll
        sink.flush();
        assertEquals(List.of(), rolledFiles());
        sink.put(lines(TP, "a", 0, 2));
        time.advance(59_999);
        sink.flush();
        assertEquals(List.of(), rolledFiles());
        time.advance(1);
        sink.flush();
        assertEquals(List.of("out.log.000001"), rolledFiles());
        assertEquals(expectedLines("a", 0, 2), Files.readString(dir.resolve("out.log.000001")));
        sink.put(lines(TP, "a", 2, 3));
        sink.task.stop();
        assertEquals(expectedLines("a", 2, 3), Files.readString(dir.resolve("out.log")));
    }

    private List<String> rolledFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("out\\.log\\.\\d+"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void afterACrashUncommittedLinesAreCutOffAndConsumptionRewindsToTheLastCommit() throws Exception {
        Map<String, String> props = props(FileSinkConfig.WRITE_BUFFER_BYTES, "1024");
        SinkTaskHarness crashed = new SinkTaskHarness(props, Time.SYSTEM).open(TP);
        crashed.put(lines(TP, "x", 0, 100));
        crashed.flush();
        long committed = Files.size(dir.resolve("out.log"));
        crashed.put(lines(TP, "x", 100, 400)); // written to the file, never committed: the worker dies here
        assertTrue(Files.size(dir.resolve("out.log")) > committed);

        SinkTaskHarness restarted = new SinkTaskHarness(props, Time.SYSTEM).open(TP);
        assertEquals(Map.of(TP, 100L), restarted.rewinds);
        assertEquals(committed, Files.size(dir.resolve("out.log")));
        restarted.put(lines(TP, "x", 100, 400)); // Connect redelivers from the rewound offset
        restarted.task.stop();
        assertEquals(expectedLines("x", 0, 400), Files.readString(dir.resolve("out.log")));
    }

    @Test
    void aCrashBeforeTheFirstCommitCutsOffEverythingWrittenSinceTheFileWasOpened() throws Exception {
        Path out = dir.resolve("out.log");
        Files.writeString(out, "written by someone before\n");
        Map<String, String> props = props(FileSinkConfig.WRITE_BUFFER_BYTES, "1024");
        SinkTaskHarness crashed = new SinkTaskHarness(props, Time.SYSTEM).open(TP);
        crashed.put(lines(TP, "x", 0, 300)); // drained to the file, never committed: the worker dies here
        assertTrue(Files.size(out) > 1024);

        SinkTaskHarness restarted = new SinkTaskHarness(props, Time.SYSTEM).open(TP);
        assertEquals(Map.of(), restarted.rewinds, "nothing committed: Connect's own offsets apply");
        assertEquals("written by someone before\n", Files.readString(out));
        restarted.put(lines(TP, "x", 0, 2));
        restarted.task.stop();
        assertEquals("written by someone before\n" + expectedLines("x", 0, 2), Files.readString(out));
    }

    @Test
    void aCrashBetweenRollingAndTheNewMarkerLosesAndRepeatsNothing() throws Exception {
        Path out = dir.resolve("out.log");
        SinkTaskHarness sink = new SinkTaskHarness(props(), Time.SYSTEM).open(TP);
        sink.put(lines(TP, "r", 0, 10));
        sink.flush();
        sink.task.stop();
        Files.move(out, dir.resolve("out.log.000001")); // the roll's rename happened, its new marker did not

        SinkTaskHarness restarted = new SinkTaskHarness(props(), Time.SYSTEM).open(TP);
        assertEquals(Map.of(TP, 10L), restarted.rewinds);
        restarted.put(lines(TP, "r", 10, 12));
        restarted.task.stop();
        assertEquals(expectedLines("r", 0, 10), Files.readString(dir.resolve("out.log.000001")));
        assertEquals(expectedLines("r", 10, 12), Files.readString(out));
        assertEquals(
                new CommitMarker.State(Files.size(out), Map.of(TP, 12L)), CommitMarker.read(CommitMarker.pathFor(out)));
    }

    @Test
    void oneFilePerTopicPartitionAndRevokedPartitionsAreCommittedAndClosed() throws Exception {
        TopicPartition p0 = new TopicPartition("orders", 0);
        TopicPartition p1 = new TopicPartition("orders", 1);
        Map<String, String> props = props(
                FileSinkConfig.FILE_PATH,
                dir.resolve("${topic}/part-${partition}.txt").toString(),
                "tasks.max",
                "2");
        SinkTaskHarness sink = new SinkTaskHarness(props, Time.SYSTEM).open(p0, p1);
        List<org.apache.kafka.connect.sink.SinkRecord> records = new ArrayList<>();
        records.addAll(lines(p0, "zero-", 0, 3));
        records.addAll(lines(p1, "one-", 0, 2));
        sink.put(records);
        sink.task.close(List.of(p1));
        assertEquals(expectedLines("one-", 0, 2), Files.readString(dir.resolve("orders/part-1.txt")));
        sink.task.stop();
        assertEquals(expectedLines("zero-", 0, 3), Files.readString(dir.resolve("orders/part-0.txt")));

        SinkTaskHarness next = new SinkTaskHarness(props, Time.SYSTEM).open(p1);
        assertEquals(Map.of(p1, 2L), next.rewinds);
        next.task.stop();
    }
}
