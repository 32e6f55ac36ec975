package io.vertebra.log.storage;

import io.vertebra.log.storage.checkpoint.CheckpointFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * For each leader epoch of a partition, the first offset written in it. Followers ask the leader "where did my
 * last epoch end?" (OffsetsForLeaderEpoch) and truncate there, so replicas never keep records the leader of a
 * later epoch does not have. Persisted in {@code leader-epoch-checkpoint} ({@link CheckpointFile}, one
 * "epoch startOffset" line per epoch). Guarded by the partition log's lock for writes; reads synchronise here.
 */
public final class LeaderEpochCache {
    static final String FILE_NAME = "leader-epoch-checkpoint";

    private final CheckpointFile checkpoint;
    private final List<long[]> entries = new ArrayList<>(); // {epoch, startOffset}

    LeaderEpochCache(Path partitionDir) throws IOException {
        this.checkpoint = new CheckpointFile(partitionDir.resolve(FILE_NAME), 0);
        for (String line : checkpoint.read()) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length != 2) {
                throw new IOException("malformed line '" + line + "' in " + checkpoint.path());
            }
            entries.add(new long[] {Integer.parseInt(fields[0]), Long.parseLong(fields[1])});
        }
    }

    /** Records that {@code epoch} starts at {@code startOffset}, if it is a new epoch. */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0) {
            return;
        }
        if (!entries.isEmpty()) {
            long[] last = entries.get(entries.size() - 1);
            if (last[0] >= epoch) {
                return;
            }
        }
        entries.add(new long[] {epoch, startOffset});
        persist();
    }

    public synchronized OptionalInt latestEpoch() {
        return entries.isEmpty() ? OptionalInt.empty() : OptionalInt.of((int) entries.get(entries.size() - 1)[0]);
    }

    /**
     * The end offset of {@code epoch}: the start offset of the next larger epoch, or {@code logEndOffset} when
     * {@code epoch} is the latest; with the largest epoch at or below the one asked. An epoch older than every
     * known one (its records are gone) ends where the first known epoch starts, answered with the epoch asked,
     * as Kafka does. {@code {-1, -1}} when unknown (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET).
     */
    public synchronized long[] endOffsetFor(int epoch, long logEndOffset) {
        if (entries.isEmpty()) {
            return new long[] {-1, -1};
        }
        long[] latest = entries.get(entries.size() - 1);
        if (epoch == latest[0]) {
            return new long[] {epoch, logEndOffset};
        }
        int floor = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i)[0] <= epoch) {
                floor = i;
            }
        }
        if (floor < 0) {
            return epoch < 0 ? new long[] {-1, -1} : new long[] {epoch, entries.get(0)[1]};
        }
        long end = floor + 1 < entries.size() ? entries.get(floor + 1)[1] : logEndOffset;
        return new long[] {entries.get(floor)[0], end};
    }

    /** The epoch of the batch at {@code offset}: the largest epoch starting at or before it, or -1. */
    public synchronized int epochFor(long offset) {
        int epoch = -1;
        for (long[] e : entries) {
            if (e[1] <= offset) {
                epoch = (int) e[0];
            }
        }
        return epoch;
    }

    /** Forgets epochs that start at or after {@code offset} (the log was truncated there). */
    public synchronized void truncateFromEnd(long offset) {
        boolean changed = entries.removeIf(e -> e[1] >= offset);
        if (changed) {
            persist();
        }
    }

    /** The log now starts at {@code offset}: the epoch covering it starts there. */
    public synchronized void truncateFromStart(long offset) {
        List<long[]> kept = new ArrayList<>();
        long[] covering = null;
        for (long[] e : entries) {
            if (e[1] <= offset) {
                covering = e;
            } else {
                kept.add(e);
            }
        }
        if (covering != null && covering[1] < offset) {
            kept.add(0, new long[] {covering[0], offset});
        } else if (covering != null) {
            kept.add(0, covering);
        }
        if (kept.size() != entries.size() || (covering != null && covering[1] < offset)) {
            entries.clear();
            entries.addAll(kept);
            persist();
        }
    }

    public synchronized List<long[]> entries() {
        List<long[]> copy = new ArrayList<>();
        for (long[] e : entries) {
            copy.add(e.clone());
        }
        return copy;
    }

    private void persist() {
        List<String> lines = new ArrayList<>();
        for (long[] e : entries) {
            lines.add(e[0] + " " + e[1]);
        }
        try {
            checkpoint.write(lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + checkpoint.path(), e);
        }
    }
}
