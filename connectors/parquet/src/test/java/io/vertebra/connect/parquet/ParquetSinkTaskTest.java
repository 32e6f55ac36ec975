package io.vertebra.connect.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.connect.parquet.store.CommitFooter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink task driven directly against a local-file store, read back with parquet-hadoop's own reader. */
class ParquetSinkTaskTest {
    private static final String TOPIC = "orders";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);

    @TempDir
    Path lake;

    private final List<ParquetSinkTask> started = new ArrayList<>();

    @AfterEach
    void stopTasks() {
        started.forEach(ParquetSinkTask::stop);
    }

    private Map<String, String> config(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        config.put("store.url", lake.toUri().toString());
        config.put("flush.size", "100");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private ParquetSinkTask start(RecordingContext context, MutableClock clock, Map<String, String> config) {
        ParquetSinkTask task = new ParquetSinkTask(clock);
        task.initialize(context);
        task.start(config);
        started.add(task);
        return task;
    }

    private ParquetSinkTask start(RecordingContext context, Map<String, String> config) {
        return start(context, new MutableClock(TestRecords.BASE_TIME_MS), config);
    }

    private LakeContents contents() {
        return LakeContents.readLocal(lake);
    }

    @Test
    void rotatesBySizeAndPublishesOnlyCompleteFiles() {
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task = start(context, config());
        task.open(Set.of(TP0));
        assertEquals(Map.of(), context.offsets, "an empty store asks for no rewind");

        task.put(TestRecords.orders(TOPIC, 0, 0, 250));

        LakeContents lakeNow = contents();
        assertEquals(
                List.of(
                        "topics/orders/partition=0/orders+0+0.parquet",
                        "topics/orders/partition=0/orders+0+100.parquet"),
                List.copyOf(lakeNow.rowsByFile.keySet()));
        assertEquals(LongStream.range(0, 200).boxed().toList(), lakeNow.ids());
        assertEquals(1, lakeNow.otherFiles.size(), "the 50 pending records sit in one hidden temporary file");
        assertTrue(
                lakeNow.otherFiles.get(0).startsWith("topics/orders/partition=0/.orders+0+200."),
                lakeNow.otherFiles.toString());
        assertEquals(
                Map.of(TP0, new OffsetAndMetadata(200)),
                task.preCommit(Map.of(TP0, new OffsetAndMetadata(250))),
                "only what the store holds is committed to Kafka");

        Map<String, String> footer = lakeNow.footers
                .get("topics/orders/partition=0/orders+0+100.parquet")
                .getFileMetaData()
                .getKeyValueMetaData();
        assertEquals("100", footer.get(CommitFooter.FIRST_OFFSET));
        assertEquals("199", footer.get(CommitFooter.LAST_OFFSET));
        assertEquals("1", footer.get(CommitFooter.FILES));

        task.close(Set.of(TP0));
        LakeContents afterClose = contents();
        assertEquals(LongStream.range(0, 250).boxed().toList(), afterClose.ids(), "close publishes what is pending");
        assertEquals(List.of(), afterClose.otherFiles);
    }

    @Test
    void rotatesByRecordTime() {
        RecordingContext context = new RecordingContext();
        // records are one second apart: a 10 s interval makes files of 10 records
        ParquetSinkTask task = start(context, config("flush.size", "100000", "rotate.interval.ms", "10000"));
        task.open(Set.of(TP0));
        task.put(TestRecords.orders(TOPIC, 0, 0, 35));

        LakeContents lakeNow = contents();
        assertEquals(
                List.of(
                        "topics/orders/partition=0/orders+0+0.parquet",
                        "topics/orders/partition=0/orders+0+10.parquet",
                        "topics/orders/partition=0/orders+0+20.parquet"),
                List.copyOf(lakeNow.rowsByFile.keySet()));
        assertEquals(LongStream.range(0, 30).boxed().toList(), lakeNow.ids());
    }

    @Test
    void rotatesByWallClockWithoutNewRecords() {
        RecordingContext context = new RecordingContext();
        MutableClock clock = new MutableClock(TestRecords.BASE_TIME_MS);
        ParquetSinkTask task =
                start(context, clock, config("flush.size", "100000", "rotate.schedule.interval.ms", "60000"));
        task.open(Set.of(TP0));
        task.put(TestRecords.orders(TOPIC, 0, 0, 5));
        clock.advance(59_999);
        task.put(List.of());
        assertEquals(0, contents().rowCount(), "not yet a minute since the first record");

        clock.advance(1);
        task.put(List.of());
        assertEquals(LongStream.range(0, 5).boxed().toList(), contents().ids());
    }

    @Test
    void schemaChangeClosesTheFileAndStartsANewOne() {
        Schema v2 = SchemaBuilder.struct()
                .name("order")
                .field("id", Schema.INT64_SCHEMA)
                .field("customer", Schema.STRING_SCHEMA)
                .field("channel", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task = start(context, config());
        task.open(Set.of(TP0));
        List<SinkRecord> records = new ArrayList<>(TestRecords.orders(TOPIC, 0, 0, 3));
        for (long o = 3; o < 5; o++) {
            Struct value = new Struct(v2).put("id", o).put("customer", "c").put("channel", "web");
            records.add(TestRecords.record(TOPIC, 0, o, v2, value, TestRecords.BASE_TIME_MS));
        }
        task.put(records);
        task.close(Set.of(TP0));

        LakeContents lakeNow = contents();
        assertEquals(
                List.of("topics/orders/partition=0/orders+0+0.parquet", "topics/orders/partition=0/orders+0+3.parquet"),
                List.copyOf(lakeNow.rowsByFile.keySet()));
        assertEquals(
                10,
                lakeNow.footers
                        .get("topics/orders/partition=0/orders+0+0.parquet")
                        .getFileMetaData()
                        .getSchema()
                        .getFieldCount());
        assertEquals(
                "web",
                lakeNow.rowsByFile
                        .get("topics/orders/partition=0/orders+0+3.parquet")
                        .get(0)
                        .getString("channel", 0));
    }

    @Test
    void timeBasedPartitioningUsesCalendarYearsAndTheConfiguredZone() {
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task = start(
                context,
                config(
                        "partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
                        "path.format", "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
                        "partition.duration.ms", "3600000",
                        "timezone", "America/New_York",
                        "flush.size", "1000"));
        task.open(Set.of(TP0));
        long dec30 = java.time.Instant.parse("2024-12-30T15:20:00Z").toEpochMilli(); // week-based year 2025
        long jan1 = java.time.Instant.parse("2025-01-01T04:59:59Z").toEpochMilli(); // still Dec 31 in New York
        long jan1Later = java.time.Instant.parse("2025-01-01T05:00:00Z").toEpochMilli(); // Jan 1, 00:00 local
        task.put(List.of(
                TestRecords.record(TOPIC, 0, 0, TestRecords.ORDER, TestRecords.order(0), dec30),
                TestRecords.record(TOPIC, 0, 1, TestRecords.ORDER, TestRecords.order(1), jan1),
                TestRecords.record(TOPIC, 0, 2, TestRecords.ORDER, TestRecords.order(2), jan1Later),
                TestRecords.record(TOPIC, 0, 3, TestRecords.ORDER, TestRecords.order(3), dec30 + 60_000)));
        task.close(Set.of(TP0));

        assertEquals(
                List.of(
                        "topics/orders/year=2024/month=12/day=30/hour=10/orders+0+0.parquet",
                        "topics/orders/year=2024/month=12/day=31/hour=23/orders+0+1.parquet",
                        "topics/orders/year=2025/month=01/day=01/hour=00/orders+0+2.parquet"),
                List.copyOf(contents().rowsByFile.keySet()));
        assertEquals(
                List.of(0L, 3L),
                contents().rowsByFile.get("topics/orders/year=2024/month=12/day=30/hour=10/orders+0+0.parquet").stream()
                        .map(g -> g.getLong("id", 0))
                        .toList());
    }

    @Test
    void dailyPartitionsFromARecordField() {
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task = start(
                context,
                config(
                        "partitioner.class", "DailyPartitioner",
                        "timestamp.extractor", "RecordField",
                        "timestamp.field", "created"));
        task.open(Set.of(TP0));
        // order(id).created = BASE + id seconds: ids 0 and 50_000 fall on different days
        task.put(List.of(TestRecords.orderRecord(TOPIC, 0, 0), TestRecords.orderRecord(TOPIC, 0, 50_000)));
        task.close(Set.of(TP0));
        assertEquals(
                List.of(
                        "topics/orders/year=2024/month=05/day=01/orders+0+0.parquet",
                        "topics/orders/year=2024/month=05/day=02/orders+0+50000.parquet"),
                List.copyOf(contents().rowsByFile.keySet()));
    }

    @Test
    void fieldPartitioningCommitsAllDirectoriesTogether() {
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task =
                start(context, config("partitioner.class", "FieldPartitioner", "partition.field.name", "region,paid"));
        task.open(Set.of(TP0));
        task.put(TestRecords.orders(TOPIC, 0, 0, 100));

        LakeContents lakeNow = contents();
        assertEquals(6, lakeNow.rowsByFile.size(), lakeNow.rowsByFile.keySet().toString());
        assertTrue(lakeNow.rowsByFile.containsKey("topics/orders/region=eu/paid=true/orders+0+0.parquet"));
        assertTrue(lakeNow.rowsByFile.containsKey("topics/orders/region=us/paid=false/orders+0+1.parquet"));
        for (var footer : lakeNow.footers.values()) {
            Map<String, String> meta = footer.getFileMetaData().getKeyValueMetaData();
            assertEquals("0", meta.get(CommitFooter.FIRST_OFFSET));
            assertEquals("99", meta.get(CommitFooter.LAST_OFFSET));
            assertEquals("6", meta.get(CommitFooter.FILES));
        }
        assertEquals(
                LongStream.range(0, 100).boxed().toList(),
                lakeNow.ids().stream().sorted().toList());
    }

    @Test
    void restartResumesFromTheFileNamesAndCleansTemporaryLeftovers() {
        RecordingContext first = new RecordingContext();
        ParquetSinkTask crashed = start(first, config());
        crashed.open(Set.of(TP0));
        crashed.put(TestRecords.orders(TOPIC, 0, 0, 250));
        // the task dies here: no close, no stop; 50 records sit in a temporary file
        assertEquals(1, contents().otherFiles.size());

        RecordingContext second = new RecordingContext();
        ParquetSinkTask restarted = start(second, config());
        restarted.open(Set.of(TP0));
        assertEquals(Map.of(TP0, 200L), second.offsets, "resume right after the last published record");
        assertEquals(List.of(), contents().otherFiles, "the temporary file is gone");

        // the consumer redelivers from 200 (and an overlapping older record must not be written twice)
        restarted.put(TestRecords.orders(TOPIC, 0, 199, 320));
        restarted.close(Set.of(TP0));
        assertEquals(LongStream.range(0, 320).boxed().toList(), contents().ids());
    }

    @Test
    void aPartlyPublishedCommitIsRolledBackAsAWhole() throws IOException {
        Map<String, String> config =
                config("partitioner.class", "FieldPartitioner", "partition.field.name", "region", "flush.size", "30");
        RecordingContext first = new RecordingContext();
        ParquetSinkTask task = start(first, config);
        task.open(Set.of(TP0));
        task.put(TestRecords.orders(TOPIC, 0, 0, 60)); // two commits of three files each
        // a crash while publishing the second commit: one of its three files never got its final name
        Path unpublished = lake.resolve("topics/orders/region=apac/orders+0+32.parquet");
        assertTrue(Files.exists(unpublished));
        Files.delete(unpublished);

        RecordingContext second = new RecordingContext();
        ParquetSinkTask restarted = start(second, config);
        restarted.open(Set.of(TP0));
        assertEquals(Map.of(TP0, 30L), second.offsets, "the commit 30..59 is rewritten from its first offset");
        assertEquals(
                LongStream.range(0, 30).boxed().toList(),
                contents().ids().stream().sorted().toList(),
                "its published files were removed");

        restarted.put(TestRecords.orders(TOPIC, 0, 30, 90));
        restarted.close(Set.of(TP0));
        assertEquals(
                LongStream.range(0, 90).boxed().toList(),
                contents().ids().stream().sorted().toList());
    }

    @Test
    void aStoreFailureRewindsAndRetriesWithoutDuplicates() throws IOException {
        MutableClock clock = new MutableClock(TestRecords.BASE_TIME_MS);
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task = start(context, clock, config("retry.backoff.ms", "1000", "store.retries", "3"));
        task.open(Set.of(TP0));
        task.put(TestRecords.orders(TOPIC, 0, 0, 120)); // 0..99 published, 100..119 pending

        // break the store: a plain file where the next temporary file's directory must be
        Path blocker = lake.resolve("topics/orders/partition=0");
        Path aside = lake.resolve("aside");
        Files.move(blocker, aside);
        Files.writeString(blocker, "not a directory");
        task.put(TestRecords.orders(TOPIC, 0, 120, 260)); // the commit at 200 fails
        assertTrue(context.paused.contains(TP0), "the partition is paused while the store is failing");

        Files.delete(blocker);
        Files.move(aside, blocker);
        clock.advance(999);
        task.put(List.of());
        assertTrue(context.paused.contains(TP0), "still backing off");
        clock.advance(1);
        task.put(TestRecords.orders(TOPIC, 0, 260, 270)); // recovery happens first; these come again later
        assertEquals(Map.of(TP0, 100L), context.offsets, "rewound to the first unpublished offset");
        assertFalse(context.paused.contains(TP0));

        task.put(TestRecords.orders(TOPIC, 0, 100, 300));
        task.close(Set.of(TP0));
        assertEquals(LongStream.range(0, 300).boxed().toList(), contents().ids());
    }

    @Test
    void anUnreachableStoreFailsTheTaskNamingTheStoreAndCause() {
        MutableClock clock = new MutableClock(TestRecords.BASE_TIME_MS);
        int closedPort = io.vertebra.testkit.Ports.free();
        String url = "hdfs://127.0.0.1:" + closedPort + "/lake";
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task = start(
                context,
                clock,
                config(
                        "store.url", url,
                        "store.retries", "2",
                        "retry.backoff.ms", "100",
                        "ipc.client.connect.max.retries", "0",
                        "ipc.client.connect.max.retries.on.timeouts", "0"));
        task.open(Set.of(TP0)); // first attempt fails: paused, retried later
        assertTrue(context.paused.contains(TP0));
        clock.advance(100);
        task.put(List.of()); // second attempt
        clock.advance(200);
        ConnectException failed = assertThrows(ConnectException.class, () -> task.put(List.of()));
        assertTrue(failed.getMessage().contains(url), failed.getMessage());
        assertTrue(failed.getMessage().contains("after 3 attempts"), failed.getMessage());
        assertTrue(failed.getMessage().contains("Connection refused"), failed.getMessage());
    }

    @Test
    void recordsWithoutSchemaAreRejectedWithAHint() {
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task = start(context, config());
        task.open(Set.of(TP0));
        SinkRecord schemaless = TestRecords.record(TOPIC, 0, 0, null, Map.of("id", 1), TestRecords.BASE_TIME_MS);
        DataException e = assertThrows(DataException.class, () -> task.put(List.of(schemaless)));
        assertTrue(e.getMessage().contains("schemas.enable=true"), e.getMessage());
    }

    @Test
    void badRecordsGoToTheErrantRecordReporterWhenErrorsAreTolerated() {
        RecordingContext context = new RecordingContext().withReporter();
        ParquetSinkTask task =
                start(context, config("partitioner.class", "FieldPartitioner", "partition.field.name", "region"));
        task.open(Set.of(TP0));
        Struct missingRequired = new Struct(TestRecords.ORDER).put("id", 1L); // customer etc. unset
        SinkRecord badValue = TestRecords.record(TOPIC, 0, 1, TestRecords.ORDER, missingRequired, 0L);
        SinkRecord noSchema = TestRecords.record(TOPIC, 0, 2, null, Map.of("id", 2), 0L);
        Schema noRegion =
                SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        SinkRecord noPartitionField = TestRecords.record(TOPIC, 0, 3, noRegion, new Struct(noRegion).put("id", 3L), 0L);
        task.put(List.of(
                TestRecords.orderRecord(TOPIC, 0, 0),
                badValue,
                noSchema,
                noPartitionField,
                TestRecords.orderRecord(TOPIC, 0, 4)));
        task.close(Set.of(TP0));
        assertEquals(List.of(badValue, noSchema, noPartitionField), context.reported);
        assertEquals(List.of(0L, 4L), contents().ids().stream().sorted().toList());
    }

    @Test
    void tombstonesAreSkippedWhenAskedTo() {
        RecordingContext context = new RecordingContext();
        ParquetSinkTask task = start(context, config("behavior.on.null.values", "ignore"));
        task.open(Set.of(TP0));
        List<SinkRecord> records = new ArrayList<>(TestRecords.orders(TOPIC, 0, 0, 2));
        records.add(TestRecords.record(TOPIC, 0, 2, TestRecords.ORDER, null, TestRecords.BASE_TIME_MS));
        records.addAll(TestRecords.orders(TOPIC, 0, 3, 4));
        task.put(records);
        task.close(Set.of(TP0));
        assertEquals(List.of(0L, 1L, 3L), contents().ids());
    }
}
