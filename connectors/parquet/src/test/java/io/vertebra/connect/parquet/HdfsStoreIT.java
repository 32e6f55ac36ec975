package io.vertebra.connect.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink on HDFS (a real NameNode and DataNode from hadoop-client-minicluster, in process): temporary files
 * renamed into place, a crashed writer's temporary file deleted, resume from the file names.
 */
class HdfsStoreIT {
    private static final String TOPIC = "orders";
    private static final TopicPartition TP0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition TP1 = new TopicPartition(TOPIC, 1);

    @TempDir
    static Path hdfsData;

    private static MiniDFSCluster cluster;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, hdfsData.toString());
        conf.set("dfs.namenode.rpc-address", "127.0.0.1:0");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown(true);
        }
    }

    private static String lake() {
        return cluster.getURI() + "/lake";
    }

    private static Map<String, String> config() {
        Map<String, String> config = new HashMap<>();
        config.put("store.url", lake());
        config.put("flush.size", "1000");
        config.put("parquet.codec", "gzip");
        return config;
    }

    @Test
    void publishesByRenameAndResumesAfterACrash() {
        ParquetSinkTask crashed = new ParquetSinkTask();
        crashed.initialize(new RecordingContext());
        crashed.start(config());
        crashed.open(Set.of(TP0, TP1));
        crashed.put(TestRecords.orders(TOPIC, 0, 0, 2_500));
        crashed.put(TestRecords.orders(TOPIC, 1, 0, 700));
        LakeContents beforeRestart = LakeContents.read(lake(), cluster.getConfiguration(0));
        assertEquals(2, beforeRestart.otherFiles.size(), "one hidden temporary file per partition");
        assertTrue(
                beforeRestart.otherFiles.stream().allMatch(f -> f.contains("/.orders+")),
                beforeRestart.otherFiles.toString());
        // the task dies: no close, no stop

        RecordingContext context = new RecordingContext();
        ParquetSinkTask restarted = new ParquetSinkTask();
        restarted.initialize(context);
        restarted.start(config());
        restarted.open(Set.of(TP0, TP1));
        assertEquals(Map.of(TP0, 2_000L), context.offsets, "partition 1 had nothing published: no rewind");
        restarted.put(TestRecords.orders(TOPIC, 0, 2_000, 3_000));
        restarted.put(TestRecords.orders(TOPIC, 1, 0, 700));
        restarted.close(Set.of(TP0, TP1));
        restarted.stop();
        crashed.stop();

        LakeContents contents = LakeContents.read(lake(), cluster.getConfiguration(0));
        assertEquals(List.of(), contents.otherFiles);
        assertEquals(
                List.of(
                        "topics/orders/partition=0/orders+0+0.parquet",
                        "topics/orders/partition=0/orders+0+1000.parquet",
                        "topics/orders/partition=0/orders+0+2000.parquet",
                        "topics/orders/partition=1/orders+1+0.parquet"),
                List.copyOf(contents.rowsByFile.keySet()));
        List<Long> partition0 = contents.rowsByFile.entrySet().stream()
                .filter(e -> e.getKey().contains("partition=0"))
                .flatMap(e -> e.getValue().stream())
                .map(g -> g.getLong("id", 0))
                .toList();
        assertEquals(LongStream.range(0, 3_000).boxed().toList(), partition0);
        assertEquals(
                700,
                contents.rowsByFile
                        .get("topics/orders/partition=1/orders+1+0.parquet")
                        .size());
    }
}
