package io.vertebra.log.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery of a partition log after an unclean shutdown, Kafka's rule with one difference: only a real torn
 * tail is truncated. Each segment from the recovery point on is re-validated ({@link Segment#recover}); an
 * invalid suffix with nothing valid after it (a batch cut short by the crash, pre-allocated zeros) is cut off, as
 * Kafka does. A bad batch with valid batches after it — a flipped bit on disk, not a crash — would lose
 * acknowledged data if truncated, so the segment holding it and every later one go to the partition's
 * {@link Quarantine} instead, the corruption is logged at ERROR with its offsets and byte positions, and the load
 * fails with {@link CorruptLogException}: the partition stays offline until a replica re-fetches it from its
 * leader or an operator runs {@code vertebra log repair}.
 *
 * <p>Runs once per partition at load, single-threaded, before the log is visible to anyone.
 */
final class LogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    private LogRecovery() {}

    /**
     * Re-validates every segment holding offsets at or after {@code offset}. A torn tail is truncated (and the
     * empty segments after it dropped); corruption with data after it quarantines the segment holding it and every
     * later one, and fails the load.
     */
    static void recoverFrom(
            TopicPartition topicPartition,
            Path dir,
            ConcurrentSkipListMap<Long, Segment> segments,
            long offset,
            long nowMs)
            throws IOException {
        Long start = segments.floorKey(offset);
        if (start == null) {
            start = segments.firstKey();
        }
        List<Segment> toRecover = new ArrayList<>(segments.tailMap(start, true).values());
        for (int i = 0; i < toRecover.size(); i++) {
            Segment segment = toRecover.get(i);
            List<Segment> later = toRecover.subList(i + 1, toRecover.size());
            boolean dataFollows = later.stream().anyMatch(s -> s.size() > 0);
            Segment.Recovery recovery = segment.recover(batch -> {}, dataFollows);
            if (recovery.corrupt()) {
                quarantine(topicPartition, dir, segments, segment, later, recovery, nowMs);
            }
            if (recovery.truncatedBytes() > 0) {
                for (Segment empty : later) {
                    LOG.warn("{}: deleting empty segment {} after a torn tail", topicPartition, empty);
                    segments.remove(empty.baseOffset());
                    empty.deleteFiles();
                }
                break;
            }
        }
        // An empty trailing segment after a crash stays as the active one.
    }

    private static void quarantine(
            TopicPartition topicPartition,
            Path dir,
            ConcurrentSkipListMap<Long, Segment> segments,
            Segment corrupt,
            List<Segment> later,
            Segment.Recovery found,
            long nowMs)
            throws IOException {
        int size = corrupt.size();
        BatchScanner.Found next = found.nextValid();
        StringBuilder reason = new StringBuilder()
                .append(topicPartition)
                .append(": corrupt data in ")
                .append(corrupt.logFile())
                .append(" at byte ")
                .append(found.badPosition())
                .append(" where offset ")
                .append(found.expectedOffset())
                .append(" should start (")
                .append(found.problem())
                .append("), and it is not a torn tail: ");
        if (next != null) {
            reason.append("a valid batch follows at byte ")
                    .append(next.position())
                    .append(" (offset ")
                    .append(next.baseOffset())
                    .append("); ")
                    .append(next.position() - found.badPosition())
                    .append(" bytes are bad, ")
                    .append(size - next.position())
                    .append(" bytes follow from there to the end of the segment");
        } else {
            reason.append("later segments hold data from offset ")
                    .append(later.get(0).baseOffset())
                    .append("; the last ")
                    .append(size - found.badPosition())
                    .append(" bytes of the segment are bad");
        }
        reason.append(". Nothing was truncated: segments ")
                .append(corrupt.baseOffset())
                .append(
                        later.isEmpty()
                                ? ""
                                : ".." + later.get(later.size() - 1).baseOffset())
                .append(" are quarantined and the partition stays offline until it is re-fetched from an in-sync"
                        + " replica or repaired with `vertebra log repair`");
        List<Segment> moved = new ArrayList<>();
        moved.add(corrupt);
        moved.addAll(later);
        for (Segment segment : moved) {
            segments.remove(segment.baseOffset());
        }
        Path where = Quarantine.quarantine(dir, moved, reason.toString(), nowMs);
        throw new CorruptLogException(reason + " (files in " + where + ")");
    }
}
