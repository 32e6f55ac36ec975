package io.vertebra.log.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The answers OffsetForLeaderEpoch gives, from the epoch cache. */
class LeaderEpochCacheTest {
    @TempDir
    Path dir;

    @Test
    void endOffsetsOfEpochs() throws Exception {
        LeaderEpochCache cache = new LeaderEpochCache(dir);
        assertArrayEquals(new long[] {-1, -1}, cache.endOffsetFor(0, 0), "no epoch known yet");
        cache.assign(2, 10);
        cache.assign(4, 25);
        cache.assign(5, 40);

        assertArrayEquals(new long[] {5, 57}, cache.endOffsetFor(5, 57), "the current epoch ends at the log end");
        assertArrayEquals(new long[] {4, 40}, cache.endOffsetFor(4, 57));
        assertArrayEquals(new long[] {2, 25}, cache.endOffsetFor(3, 57), "epoch 3 never wrote: epoch 2 ends at 25");
        assertArrayEquals(
                new long[] {1, 10},
                cache.endOffsetFor(1, 57),
                "older than every known epoch: ends where epoch 2 starts");
        assertArrayEquals(new long[] {-1, -1}, cache.endOffsetFor(-1, 57), "undefined epoch");

        LeaderEpochCache reloaded = new LeaderEpochCache(dir);
        assertArrayEquals(new long[] {4, 40}, reloaded.endOffsetFor(4, 57), "the checkpoint survives a reload");
    }
}
