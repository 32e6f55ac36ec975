package io.vertebra.connect.parquet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing a topic while another task publishes and cleans up temporary files in the same directories. */
class LakeStoreListingTest {
    @TempDir
    Path lake;

    @Test
    void filesThatVanishWhileListingAreNotSeenAndDoNotFailTheListing() throws Exception {
        Path partition0 = Files.createDirectories(lake.resolve("topics/orders/partition=0"));
        Path partition1 = Files.createDirectories(lake.resolve("topics/orders/partition=1"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(partition0.resolve("orders+0+" + i * 100 + ".parquet"), "x");
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            // what the other task does: write a temporary file, then publish it or delete it
            for (long n = 0; !stop.get(); n++) {
                Path temp = partition1.resolve(".orders+1+" + n + ".tmp");
                try {
                    Files.writeString(temp, "x");
                    Files.delete(temp);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        churn.start();
        try (LakeStore store = LakeStore.open(lake.toUri(), "topics", new Configuration())) {
            for (int round = 0; round < 200; round++) {
                List<FileStatus> files = store.listTopic("orders");
                long published = files.stream()
                        .filter(f -> f.getPath().getName().endsWith(".parquet"))
                        .count();
                assertEquals(20, published, "round " + round);
                assertTrue(files.size() <= 21, files.toString());
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }
}
