package io.vertebra.connect.parquet.partition;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Directories named by the start of the record's time partition: the record time (from the
 * {@link TimestampExtractor}) is floored to {@code partition.duration.ms} in local time of the configured zone
 * and formatted with {@code path.format}. The pattern uses Confluent's Joda-style letters, in which {@code Y}
 * is the calendar year; it is translated to {@code java.time} (where {@code Y} would be the week-based year).
 */
public final class TimeBasedPartitioner implements Partitioner {
    private final long durationMs;
    private final ZoneId zone;
    private final DateTimeFormatter formatter;
    private final TimestampExtractor timestamps;
    private long cachedStartLocalMs = Long.MIN_VALUE;
    private String cachedDirectory;

    public TimeBasedPartitioner(
            String pathFormat, long durationMs, Locale locale, ZoneId zone, TimestampExtractor timestamps) {
        if (durationMs <= 0) {
            throw new IllegalArgumentException("partition duration must be positive, got " + durationMs);
        }
        this.durationMs = durationMs;
        this.zone = zone;
        this.formatter = DateTimeFormatter.ofPattern(javaTimePattern(pathFormat), locale);
        this.timestamps = timestamps;
    }

    @Override
    public String directoryFor(SinkRecord record) {
        return directoryForTime(timestamps.timestampMs(record));
    }

    String directoryForTime(long timestampMs) {
        long offsetMs =
                zone.getRules().getOffset(Instant.ofEpochMilli(timestampMs)).getTotalSeconds() * 1000L;
        long startLocalMs = Math.floorDiv(timestampMs + offsetMs, durationMs) * durationMs;
        if (startLocalMs != cachedStartLocalMs) {
            LocalDateTime start = LocalDateTime.ofEpochSecond(
                    Math.floorDiv(startLocalMs, 1000L),
                    (int) Math.floorMod(startLocalMs, 1000L) * 1_000_000,
                    ZoneOffset.UTC);
            cachedDirectory = stripSlashes(formatter.format(start));
            cachedStartLocalMs = startLocalMs;
        }
        return cachedDirectory;
    }

    /** Joda's {@code Y} (year of era) is {@code y} in java.time; letters inside quotes stay as they are. */
    static String javaTimePattern(String jodaPattern) {
        StringBuilder out = new StringBuilder(jodaPattern.length());
        boolean quoted = false;
        for (char c : jodaPattern.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            out.append(!quoted && c == 'Y' ? 'y' : c);
        }
        return out.toString();
    }

    private static String stripSlashes(String path) {
        int from = 0;
        int to = path.length();
        while (from < to && path.charAt(from) == '/') {
            from++;
        }
        while (to > from && path.charAt(to - 1) == '/') {
            to--;
        }
        return path.substring(from, to);
    }
}
