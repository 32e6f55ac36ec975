package io.vertebra.connect.parquet.writer;

import io.vertebra.connect.parquet.partition.Partitioner;
import io.vertebra.connect.parquet.partition.TimestampExtractor;
import java.time.Clock;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * What a task's writers need to know, fixed for the task's life.
 *
 * @param flushSize records of one topic partition per commit
 * @param rotateIntervalMs record-time span after which a commit happens, or -1
 * @param rotateScheduleIntervalMs wall-clock span after which a commit happens, or -1
 * @param ignoreNullValues skip tombstones instead of failing
 * @param storeRetries failed store attempts in a row tolerated before the task fails
 * @param retryBackoffMs first backoff after a store failure (doubling, capped at a minute)
 */
public record WriterSettings(
        int flushSize,
        long rotateIntervalMs,
        long rotateScheduleIntervalMs,
        CompressionCodecName codec,
        boolean ignoreNullValues,
        int storeRetries,
        long retryBackoffMs,
        Partitioner partitioner,
        TimestampExtractor timestamps,
        Clock clock,
        Configuration hadoopConf) {

    static final long MAX_BACKOFF_MS = 60_000L;

    /** Backoff before attempt {@code failures + 1}. */
    long backoffMs(int failures) {
        long backoff = retryBackoffMs;
        for (int i = 1; i < failures && backoff < MAX_BACKOFF_MS; i++) {
            backoff *= 2;
        }
        return Math.min(backoff, MAX_BACKOFF_MS);
    }

    public static CompressionCodecName codec(String name) {
        return switch (name) {
            case "snappy" -> CompressionCodecName.SNAPPY;
            case "gzip" -> CompressionCodecName.GZIP;
            case "zstd" -> CompressionCodecName.ZSTD;
            case "lz4" -> CompressionCodecName.LZ4_RAW;
            case "none" -> CompressionCodecName.UNCOMPRESSED;
            default -> throw new IllegalArgumentException("unknown parquet.codec " + name);
        };
    }
}
