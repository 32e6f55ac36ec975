package io.vertebra.connect.file.source;

import static io.vertebra.connect.file.source.FileSourceTaskTest.append;
import static io.vertebra.connect.file.source.SourceTaskHarness.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-line events, JSON and CSV through the whole task, against real files. */
class FileSourceFormatsTest {
    private static final String TRACE = "2024-05-01 10:00:01 ERROR boom\n"
            + "java.lang.IllegalStateException: boom\n"
            + "\tat a.B.c(B.java:1)\n"
            + "\tat a.B.main(B.java:9)\n";

    @TempDir
    Path dir;

    @Test
    void joinsStackTracesToTheirLogLineAndSendsTheLastEventAfterTheTimeout() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, "2024-05-01 10:00:00 INFO start\n" + TRACE + "2024-05-01 10:00:02 INFO end\n");
        try (SourceTaskHarness task = new SourceTaskHarness(props(
                        FileSourceConfig.FILE_PATHS, file.toString(),
                        FileSourceConfig.MULTILINE_START_PATTERN, "^\\d{4}-\\d{2}-\\d{2} ",
                        FileSourceConfig.MULTILINE_TIMEOUT_MS, "100"))
                .start()) {
            List<SourceRecord> records = task.poll(3);
            assertEquals("2024-05-01 10:00:00 INFO start", records.get(0).value());
            assertEquals(TRACE.substring(0, TRACE.length() - 1), records.get(1).value());
            assertEquals("2024-05-01 10:00:02 INFO end", records.get(2).value()); // after the timeout
            assertEquals(
                    (long) ("2024-05-01 10:00:00 INFO start\n" + TRACE).length(),
                    records.get(1).sourceOffset().get(SourceOffsets.POSITION));
        }
    }

    @Test
    void anIncompleteMultiLineEventIsRebuiltWholeAfterARestart() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, "2024-05-01 10:00:00 INFO start\n" + TRACE.substring(0, TRACE.indexOf("\tat a.B.main")));
        try (SourceTaskHarness task = new SourceTaskHarness(props(
                        FileSourceConfig.FILE_PATHS, file.toString(),
                        FileSourceConfig.MULTILINE_START_PATTERN, "^\\d{4}-",
                        FileSourceConfig.MULTILINE_TIMEOUT_MS, "60000"))
                .start()) {
            assertEquals(List.of("2024-05-01 10:00:00 INFO start"), task.values(1));
            task.assertNoMoreRecords(); // the trace waits for more lines
            task.restart();
            append(file, TRACE.substring(TRACE.indexOf("\tat a.B.main")) + "2024-05-01 10:00:02 INFO end\n");
            assertEquals(List.of(TRACE.substring(0, TRACE.length() - 1)), task.values(1));
        }
    }

    @Test
    void jsonLinesBecomeStructsWithInferredSchemas() throws Exception {
        Path file = dir.resolve("events.json");
        append(
                file,
                "{\"id\":1,\"user\":{\"name\":\"ann\",\"tags\":[\"a\",\"b\"]},\"ok\":true,\"score\":1.5,\"note\":null}\n"
                        + "\n"
                        + "{\"id\":2}\n");
        try (SourceTaskHarness task = new SourceTaskHarness(props(
                        FileSourceConfig.FILE_PATHS,
                        file.toString(),
                        FileSourceConfig.FORMAT,
                        "json",
                        FileSourceConfig.PARSE_ERRORS,
                        "skip"))
                .start()) {
            List<SourceRecord> records = task.poll(2);
            Struct first = (Struct) records.get(0).value();
            assertEquals(Schema.Type.STRUCT, records.get(0).valueSchema().type());
            assertEquals(1L, first.get("id"));
            assertEquals("ann", first.getStruct("user").get("name"));
            assertEquals(List.of("a", "b"), first.getStruct("user").getArray("tags"));
            assertEquals(true, first.get("ok"));
            assertEquals(1.5, first.get("score"));
            assertEquals(null, first.get("note"));
            assertEquals(2L, ((Struct) records.get(1).value()).get("id"));
        }
    }

    @Test
    void parseErrorsFailTheTaskNamingFileAndPositionByDefault() throws Exception {
        Path file = dir.resolve("bad.json");
        append(file, "{\"id\":1}\nnot json\n");
        try (SourceTaskHarness task = new SourceTaskHarness(
                        props(FileSourceConfig.FILE_PATHS, file.toString(), FileSourceConfig.FORMAT, "json"))
                .start()) {
            ConnectException failure = assertThrows(ConnectException.class, () -> task.poll(2));
            assertTrue(
                    failure.getMessage().contains(file + ": the event ending at byte 18 is not valid JSON"),
                    failure.getMessage());
            assertTrue(failure.getMessage().contains("parse.errors"), failure.getMessage());
        }
    }

    @Test
    void parseErrorsCanBeSkippedOrSentRaw() throws Exception {
        Path file = dir.resolve("bad.json");
        append(file, "{\"id\":1}\nnot json\n[1]\n{\"id\":2}\n");
        try (SourceTaskHarness skip = new SourceTaskHarness(props(
                        FileSourceConfig.FILE_PATHS,
                        file.toString(),
                        FileSourceConfig.FORMAT,
                        "json",
                        FileSourceConfig.PARSE_ERRORS,
                        "skip"))
                .start()) {
            assertEquals(2, skip.poll(2).size());
            skip.assertNoMoreRecords();
        }
        try (SourceTaskHarness raw = new SourceTaskHarness(props(
                        FileSourceConfig.FILE_PATHS,
                        file.toString(),
                        FileSourceConfig.FORMAT,
                        "json",
                        FileSourceConfig.PARSE_ERRORS,
                        "raw"))
                .start()) {
            List<SourceRecord> records = raw.poll(4);
            assertEquals("not json", records.get(1).value());
            assertEquals(Schema.STRING_SCHEMA, records.get(1).valueSchema());
            assertEquals("[1]", records.get(2).value());
        }
    }

    @Test
    void csvWithAHeaderAndTypedColumnsAlsoAfterResumingMidFile() throws Exception {
        Path file = dir.resolve("people.csv");
        append(file, "id,name,age\n1,ann,31\n2,\"bob, jr\",\n");
        try (SourceTaskHarness task = new SourceTaskHarness(props(
                        FileSourceConfig.FILE_PATHS,
                        file.toString(),
                        FileSourceConfig.FORMAT,
                        "csv",
                        FileSourceConfig.CSV_HEADER,
                        "true",
                        FileSourceConfig.CSV_COLUMNS,
                        "id:int64,name,age:int32"))
                .start()) {
            List<SourceRecord> records = task.poll(2);
            Struct ann = (Struct) records.get(0).value();
            assertEquals(1L, ann.get("id"));
            assertEquals("ann", ann.get("name"));
            assertEquals(31, ann.get("age"));
            Struct bob = (Struct) records.get(1).value();
            assertEquals("bob, jr", bob.get("name"));
            assertEquals(null, bob.get("age"));

            task.restart();
            append(file, "3,cy,7\n");
            Struct cy = (Struct) task.poll(1).get(0).value();
            assertEquals(3L, cy.get("id"));
            assertEquals(7, cy.get("age"));
        }
    }

    @Test
    void csvColumnNamesFromTheHeaderOfEachFile() throws Exception {
        append(dir.resolve("a.csv"), "x,y\n1,2\n");
        append(dir.resolve("b.csv"), "p;q\n");
        try (SourceTaskHarness task = new SourceTaskHarness(props(
                        FileSourceConfig.FILE_PATTERN,
                        dir + "/a.csv",
                        FileSourceConfig.FORMAT,
                        "csv",
                        FileSourceConfig.CSV_HEADER,
                        "true"))
                .start()) {
            Struct row = (Struct) task.poll(1).get(0).value();
            assertEquals("1", row.get("x"));
            assertEquals("2", row.get("y"));
        }
    }
}
