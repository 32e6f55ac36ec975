package io.vertebra.connect.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink on S3 through s3a against a real S3 API server (S3Proxy, filesystem backend): files are published by
 * completing multipart uploads, a crashed writer's pending upload is aborted, and a restarted task resumes from
 * the object names.
 */
class S3StoreIT {
    private static final String TOPIC = "blobs";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final String LAKE = "s3a://lake/warehouse";
    private static final Schema BLOB = SchemaBuilder.struct()
            .name("blob")
            .field("id", Schema.INT64_SCHEMA)
            .field("payload", Schema.STRING_SCHEMA)
            .build();

    @TempDir
    static Path s3Data;

    private static S3ProxyServer s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyServer.start(s3Data, "lake");
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    private static Map<String, String> config() {
        Map<String, String> config = new HashMap<>(s3.s3aSettings());
        config.put("store.url", LAKE);
        config.put("flush.size", "6000");
        config.put("parquet.codec", "none");
        // 5 MiB parts (the S3 minimum): each ~6 MB file goes up as a multipart upload
        config.put("fs.s3a.multipart.size", "5242880");
        return config;
    }

    private static Configuration hadoopConf() {
        Configuration conf = new Configuration();
        config().forEach(conf::set);
        conf.set("fs.s3a.impl.disable.cache", "true");
        return conf;
    }

    private static String payload(long id) {
        Random random = new Random(id);
        StringBuilder text = new StringBuilder(1000);
        for (int i = 0; i < 1000; i++) {
            text.append((char) ('!' + random.nextInt(90)));
        }
        return text.toString();
    }

    private static List<SinkRecord> blobs(long from, long toExclusive) {
        List<SinkRecord> records = new ArrayList<>();
        for (long id = from; id < toExclusive; id++) {
            Struct value = new Struct(BLOB).put("id", id).put("payload", payload(id));
            records.add(TestRecords.record(TOPIC, 0, id, BLOB, value, TestRecords.BASE_TIME_MS));
        }
        return records;
    }

    @Test
    void publishesByCompletingUploadsAndResumesAfterACrashAbortingItsPendingUpload() throws Exception {
        ParquetSinkTask crashed = new ParquetSinkTask();
        crashed.initialize(new RecordingContext());
        crashed.start(config());
        crashed.open(Set.of(TP0));
        crashed.put(blobs(0, 15_000)); // two commits; 3,000 records pending in memory when it "dies"

        // what a writer killed in the middle of an upload leaves: an initiated multipart upload with a part in it
        org.apache.hadoop.fs.Path unfinished =
                new org.apache.hadoop.fs.Path(LAKE + "/topics/blobs/partition=0/blobs+0+12000.parquet");
        try (FileSystem fs = FileSystem.newInstance(unfinished.toUri(), hadoopConf())) {
            S3AFileSystem s3a = (S3AFileSystem) fs;
            FSDataOutputStream stream = fs.create(unfinished, true);
            stream.write(new byte[6 * 1024 * 1024]);
            stream.hflush();
            String prefix = "warehouse/topics/blobs/";
            org.awaitility.Awaitility.await("the first part is uploaded")
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> s3a.listMultipartUploads(prefix).size() == 1);
            assertFalse(fs.exists(unfinished), "an unfinished upload is not visible");

            RecordingContext context = new RecordingContext();
            ParquetSinkTask restarted = new ParquetSinkTask();
            restarted.initialize(context);
            restarted.start(config());
            restarted.open(Set.of(TP0));
            assertEquals(Map.of(TP0, 12_000L), context.offsets, "resume after the last published object");
            assertEquals(0, s3a.listMultipartUploads(prefix).size(), "the pending upload was aborted");

            // multipart objects have an ETag of the form <md5 of the part md5s>-<part count>
            for (String start : List.of("0", "6000")) {
                String etag = ((org.apache.hadoop.fs.s3a.S3AFileStatus) fs.getFileStatus(new org.apache.hadoop.fs.Path(
                                LAKE + "/topics/blobs/partition=0/blobs+0+" + start + ".parquet")))
                        .getEtag();
                assertTrue(etag.matches("\"?[0-9a-f]+-2\"?"), "published by a two-part upload: " + etag);
            }
            restarted.put(blobs(12_000, 15_000));
            restarted.close(Set.of(TP0));
            restarted.stop();
            stream.abort();
        }
        crashed.stop();

        LakeContents contents = LakeContents.read(LAKE + "/topics", hadoopConf());
        assertEquals(
                List.of(
                        "blobs/partition=0/blobs+0+0.parquet",
                        "blobs/partition=0/blobs+0+12000.parquet",
                        "blobs/partition=0/blobs+0+6000.parquet"),
                List.copyOf(contents.rowsByFile.keySet()));
        List<Group> rows = contents.allRows();
        assertEquals(15_000, rows.size());
        assertEquals(
                LongStream.range(0, 15_000).boxed().toList(),
                rows.stream().map(g -> g.getLong("id", 0)).sorted().toList());
        for (int i = 0; i < rows.size(); i += 997) {
            Group row = rows.get(i);
            assertEquals(payload(row.getLong("id", 0)), row.getString("payload", 0));
        }
    }
}
