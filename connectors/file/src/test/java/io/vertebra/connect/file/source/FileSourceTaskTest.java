package io.vertebra.connect.file.source;

import static io.vertebra.connect.file.source.SourceTaskHarness.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file source against real files: lines, rotation, truncation, globs, restarts. */
class FileSourceTaskTest {
    @TempDir
    Path dir;

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static String lines(String prefix, int from, int to) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < to; i++) {
            text.append(prefix).append(i).append('\n');
        }
        return text.toString();
    }

    static List<Object> expected(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> (Object) (prefix + i)).toList();
    }

    @Test
    void readsCompleteLinesAndWaitsForTheNewlineOfTheLast() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, "one\r\ntwo\n\nthree-partial");
        try (SourceTaskHarness task =
                new SourceTaskHarness(props(FileSourceConfig.FILE_PATHS, file.toString())).start()) {
            List<SourceRecord> records = task.poll(3);
            assertEquals(
                    List.of("one", "two", ""),
                    records.stream().map(SourceRecord::value).toList());
            assertEquals(Schema.STRING_SCHEMA, records.get(0).valueSchema());
            assertEquals("lines", records.get(0).topic());
            assertEquals(5L, records.get(0).sourceOffset().get(SourceOffsets.POSITION));
            assertEquals(10L, records.get(2).sourceOffset().get(SourceOffsets.POSITION));
            task.assertNoMoreRecords();

            append(file, " and done\nfour\n");
            assertEquals(List.of("three-partial and done", "four"), task.values(2));
        }
    }

    @Test
    void stopOnAnotherThreadEndsAPollThatIsWaitingForData() throws Exception {
        Path file = dir.resolve("idle.log");
        append(file, "one\n");
        Map<String, String> props = props(
                FileSourceConfig.FILE_PATHS, file.toString(),
                FileSourceConfig.POLL_INTERVAL_MS, "60000",
                FileSourceConfig.SCAN_INTERVAL_MS, "3600000");
        FileSourceTask task = new FileSourceTask();
        task.initialize(new SourceTaskHarness(props).context());
        task.start(props);
        assertEquals(1, task.poll().size());
        CompletableFuture<List<SourceRecord>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return task.poll(); // nothing to read: waits up to a minute
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await().during(Duration.ofMillis(200)).until(() -> !waiting.isDone());
        task.stop();
        assertEquals(null, waiting.get(5, TimeUnit.SECONDS));
        assertEquals(null, task.poll(), "a stopped task returns nothing");
    }

    @Test
    void picksUpAFileCreatedAfterTheStart() throws Exception {
        Path file = dir.resolve("later.log");
        try (SourceTaskHarness task =
                new SourceTaskHarness(props(FileSourceConfig.FILE_PATHS, file.toString())).start()) {
            task.assertNoMoreRecords();
            append(file, lines("l", 0, 3));
            assertEquals(expected("l", 0, 3), task.values(3));
        }
    }

    @Test
    void followsRenameAndCreateRotationWhileTheWriterStillAppendsToTheRenamedFile() throws Exception {
        Path live = dir.resolve("app.log");
        Path rotated = dir.resolve("app.log.1");
        try (SourceTaskHarness task =
                        new SourceTaskHarness(props(FileSourceConfig.FILE_PATHS, live.toString())).start();
                FileOutputStream writer = new FileOutputStream(live.toFile(), true)) {
            writer.write(lines("a", 0, 100).getBytes(StandardCharsets.UTF_8));
            assertEquals(expected("a", 0, 100), task.values(100));

            writer.write(lines("a", 100, 150).getBytes(StandardCharsets.UTF_8));
            Files.move(live, rotated); // logrotate renames; the application has not reopened yet
            writer.write(lines("a", 150, 200).getBytes(StandardCharsets.UTF_8));
            append(live, lines("b", 0, 50)); // the application reopens its log: a new app.log

            List<Object> values = task.values(150);
            assertEquals(
                    expected("a", 100, 200),
                    values.stream().filter(v -> ((String) v).startsWith("a")).toList());
            assertEquals(
                    expected("b", 0, 50),
                    values.stream().filter(v -> ((String) v).startsWith("b")).toList());
            task.assertNoMoreRecords();
        }
    }

    @Test
    void aDeletedFileIsReadToItsEndWhileItsWriterStillAppends() throws Exception {
        Path file = dir.resolve("app.log");
        try (SourceTaskHarness task = new SourceTaskHarness(props(
                                FileSourceConfig.FILE_PATHS, file.toString(), FileSourceConfig.CLOSE_IDLE_MS, "5000"))
                        .start();
                FileOutputStream writer = new FileOutputStream(file.toFile(), true)) {
            writer.write(lines("a", 0, 10).getBytes(StandardCharsets.UTF_8));
            assertEquals(expected("a", 0, 10), task.values(10));
            Files.delete(file);
            task.assertNoMoreRecords(); // scans see it gone; it stays open
            writer.write(lines("a", 10, 15).getBytes(StandardCharsets.UTF_8));
            assertEquals(expected("a", 10, 15), task.values(5));
        }
    }

    @Test
    void copytruncateRotationSendsEveryLineOnceWhenTheCopyIsWatched() throws Exception {
        Path live = dir.resolve("app.log");
        Path copy = dir.resolve("app.log.1");
        try (SourceTaskHarness task =
                new SourceTaskHarness(props(FileSourceConfig.FILE_PATTERN, dir + "/app.log*")).start()) {
            append(live, lines("a", 0, 100));
            assertEquals(expected("a", 0, 100), task.values(100));

            append(live, lines("a", 100, 130)); // not read yet when logrotate copies and truncates
            Files.copy(live, copy, StandardCopyOption.COPY_ATTRIBUTES);
            try (var channel = java.nio.channels.FileChannel.open(live, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            append(live, lines("b", 0, 20));

            List<Object> values = task.values(50);
            assertEquals(
                    expected("a", 100, 130),
                    values.stream().filter(v -> ((String) v).startsWith("a")).toList());
            assertEquals(
                    expected("b", 0, 20),
                    values.stream().filter(v -> ((String) v).startsWith("b")).toList());
            task.assertNoMoreRecords();
        }
    }

    @Test
    void aCopySeenBeforeItsOriginalIsTruncatedWaitsForTheTruncation() throws Exception {
        Path live = dir.resolve("app.log");
        try (SourceTaskHarness task = new SourceTaskHarness(
                        props(FileSourceConfig.FILE_PATTERN, dir + "/app.log*", FileSourceConfig.CLOSE_IDLE_MS, "5000"))
                .start()) {
            append(live, lines("a", 0, 100));
            assertEquals(expected("a", 0, 100), task.values(100));
            append(live, lines("a", 100, 130));
            Files.copy(live, dir.resolve("app.log.1"));
            // the copy is seen while the original is still whole: it must not be read from its start
            assertEquals(expected("a", 100, 130), task.values(30));
            task.assertNoMoreRecords();
            try (var channel = java.nio.channels.FileChannel.open(live, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            append(live, lines("b", 0, 20));
            assertEquals(expected("b", 0, 20), task.values(20));
            task.assertNoMoreRecords();
        }
    }

    @Test
    void copytruncateWhileTheTaskIsDownResumesInTheCopy() throws Exception {
        Path live = dir.resolve("app.log");
        try (SourceTaskHarness task =
                new SourceTaskHarness(props(FileSourceConfig.FILE_PATTERN, dir + "/app.log*")).start()) {
            append(live, lines("a", 0, 40));
            assertEquals(expected("a", 0, 40), task.values(40));
            task.stop();

            append(live, lines("a", 40, 60));
            Files.copy(live, dir.resolve("app.log.1"));
            try (var channel = java.nio.channels.FileChannel.open(live, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            append(live, lines("b", 0, 10));

            task.start();
            List<Object> values = task.values(30);
            assertEquals(
                    expected("a", 40, 60),
                    values.stream().filter(v -> ((String) v).startsWith("a")).toList());
            assertEquals(
                    expected("b", 0, 10),
                    values.stream().filter(v -> ((String) v).startsWith("b")).toList());
            task.assertNoMoreRecords();
        }
    }

    @Test
    void aFileTruncatedInPlaceIsReadAgainFromItsStart() throws Exception {
        Path file = dir.resolve("app.log");
        try (SourceTaskHarness task =
                new SourceTaskHarness(props(FileSourceConfig.FILE_PATHS, file.toString())).start()) {
            append(file, lines("a", 0, 10));
            assertEquals(expected("a", 0, 10), task.values(10));
            Files.writeString(file, lines("b", 0, 3), StandardOpenOption.TRUNCATE_EXISTING);
            assertEquals(expected("b", 0, 3), task.values(3));
            task.assertNoMoreRecords();
        }
    }

    @Test
    void resumesExactlyAfterTheLastCommittedRecordAfterACrash() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, lines("a", 0, 1000));
        try (SourceTaskHarness task = new SourceTaskHarness(
                        props(FileSourceConfig.FILE_PATHS, file.toString(), FileSourceConfig.BATCH_SIZE, "64"))
                .start()) {
            List<SourceRecord> polled = task.pollWithoutCommit(1000);
            task.store.commit(polled.subList(0, 377)); // the producer acknowledged only these before the crash
            task.restart();
            append(file, lines("a", 1000, 1100));
            assertEquals(expected("a", 377, 1100), task.values(723));
            task.assertNoMoreRecords();
        }
    }

    @Test
    void resumesAcrossARenameWhileTheTaskIsDown() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, lines("a", 0, 20));
        try (SourceTaskHarness task =
                new SourceTaskHarness(props(FileSourceConfig.FILE_PATTERN, dir + "/*.log*")).start()) {
            assertEquals(expected("a", 0, 20), task.values(20));
            task.stop();
            append(file, lines("a", 20, 25));
            Files.move(file, dir.resolve("app.log.1"));
            append(file, lines("b", 0, 5));
            task.start();
            List<Object> values = task.values(10);
            assertEquals(
                    expected("a", 20, 25),
                    values.stream().filter(v -> ((String) v).startsWith("a")).toList());
            assertEquals(
                    expected("b", 0, 5),
                    values.stream().filter(v -> ((String) v).startsWith("b")).toList());
            task.assertNoMoreRecords();
        }
    }

    @Test
    void aNewFileUnderAKnownPathIsReadWholeEvenIfItsInodeHasAStoredOffset() throws Exception {
        Path file = dir.resolve("app.log");
        append(file, lines("a", 0, 50));
        try (SourceTaskHarness task =
                new SourceTaskHarness(props(FileSourceConfig.FILE_PATHS, file.toString())).start()) {
            assertEquals(expected("a", 0, 50), task.values(50));
            String key = (String) task.store.all().keySet().iterator().next().get(SourceOffsets.FILE_KEY);
            task.stop();
            Files.delete(file);
            append(file, lines("b", 0, 60)); // the file system may hand the new file the old inode
            // and even if it does not, a stored offset far beyond its first lines must not be trusted blindly:
            task.store.put(
                    SourceOffsets.partition(FileDiscovery.identityKey(
                            file, Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class))),
                    task.store.all().values().iterator().next());
            task.start();
            assertEquals(expected("b", 0, 60), task.values(60));
            assertTrue(key.startsWith("(dev="), "the partition is the file's inode: " + key);
        }
    }

    @Test
    void startAtEndSkipsWhatExistedAndReadsWhatComesAndFilesThatAppearLater() throws Exception {
        Path old = dir.resolve("old.log");
        append(old, lines("old", 0, 10) + "partial");
        try (SourceTaskHarness task = new SourceTaskHarness(
                        props(FileSourceConfig.FILE_PATTERN, dir + "/*.log", FileSourceConfig.START_POSITION, "end"))
                .start()) {
            task.assertNoMoreRecords();
            append(old, "-completed\n" + lines("new", 0, 3));
            assertEquals(List.of("partial-completed", "new0", "new1", "new2"), task.values(4));
            append(dir.resolve("later.log"), lines("later", 0, 2));
            assertEquals(expected("later", 0, 2), task.values(2));
        }
    }

    @Test
    void globsFindFilesInSubdirectoriesAndSkipExcludedOnes() throws Exception {
        Files.createDirectories(dir.resolve("a/b"));
        append(dir.resolve("top.log"), "top\n");
        append(dir.resolve("a/b/deep.log"), "deep\n");
        append(dir.resolve("a/b/other.txt"), "not matched\n");
        append(dir.resolve("a/old.log.gz"), "compressed\n");
        try (SourceTaskHarness task =
                new SourceTaskHarness(props(FileSourceConfig.FILE_PATTERN, dir + "/**.log*")).start()) {
            List<SourceRecord> records = task.poll(2);
            assertEquals(
                    List.of("deep", "top"),
                    records.stream().map(r -> (String) r.value()).sorted().toList());
            append(dir.resolve("a/new.log"), "new\n");
            assertEquals(List.of("new"), task.values(1));
            task.assertNoMoreRecords();
        }
    }

    @Test
    void aLineLongerThanTheLimitIsSentInPieces() throws Exception {
        Path file = dir.resolve("long.log");
        append(file, "x".repeat(40) + "\nshort\n");
        try (SourceTaskHarness task = new SourceTaskHarness(
                        props(FileSourceConfig.FILE_PATHS, file.toString(), FileSourceConfig.LINE_MAX_BYTES, "16"))
                .start()) {
            assertEquals(List.of("x".repeat(16), "x".repeat(16), "x".repeat(8), "short"), task.values(4));
        }
    }

    @Test
    void sendsTheFilePathAsAHeaderWhenAsked() throws Exception {
        Path file = dir.resolve("h.log");
        append(file, "one\n");
        try (SourceTaskHarness task = new SourceTaskHarness(
                        props(FileSourceConfig.FILE_PATHS, file.toString(), FileSourceConfig.PATH_HEADER, "file"))
                .start()) {
            SourceRecord record = task.poll(1).get(0);
            assertEquals(file.toString(), record.headers().lastWithName("file").value());
        }
    }

    @Test
    void manyFilesAreAllReadAndBatchesStayWithinTheirLimit() throws Exception {
        List<Object> expected = new ArrayList<>();
        for (int f = 0; f < 20; f++) {
            append(dir.resolve("f" + f + ".log"), lines("f" + f + "-", 0, 50));
            expected.addAll(expected("f" + f + "-", 0, 50));
        }
        try (SourceTaskHarness task = new SourceTaskHarness(
                        props(FileSourceConfig.FILE_PATTERN, dir + "/*.log", FileSourceConfig.BATCH_SIZE, "30"))
                .start()) {
            List<Object> values = new ArrayList<>(task.values(1000));
            values.sort(null);
            List<Object> sorted = new ArrayList<>(expected);
            sorted.sort(null);
            assertEquals(sorted, values);
        }
    }
}
