package io.vertebra.log.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;

/**
 * The in-memory twin of {@link OffsetsTopicLog}: records go through the real byte encoding into per-partition
 * lists. Tests can hold appends (to see what happens before an acknowledgement) or make them fail.
 */
final class InMemoryGroupLog implements GroupLog {
    private record Entry(long offset, byte[] key, byte[] value) {}

    private final Map<Integer, List<Entry>> partitions = new HashMap<>();
    private final List<Runnable> held = new ArrayList<>();
    private boolean holding;
    private Errors failure = Errors.NONE;

    @Override
    public synchronized CompletableFuture<Long> append(int partition, List<GroupRecord> records) {
        if (failure != Errors.NONE) {
            return CompletableFuture.failedFuture(failure.exception());
        }
        List<Entry> log = partitions.computeIfAbsent(partition, p -> new ArrayList<>());
        long last = -1;
        for (GroupRecord record : records) {
            GroupRecords.KeyValue kv = GroupRecords.encode(record);
            last = log.size();
            log.add(new Entry(last, kv.key(), kv.value()));
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        long lastOffset = last;
        if (holding) {
            held.add(() -> done.complete(lastOffset));
        } else {
            done.complete(lastOffset);
        }
        return done;
    }

    @Override
    public synchronized void replay(int partition, RecordSink sink) {
        for (Entry e : partitions.getOrDefault(partition, List.of())) {
            sink.accept(
                    e.offset(),
                    GroupRecords.decode(
                            ByteBuffer.wrap(e.key()), e.value() == null ? null : ByteBuffer.wrap(e.value())));
        }
    }

    /** From now on appends are written but not acknowledged until {@link #release}. */
    synchronized void hold() {
        holding = true;
    }

    synchronized void release() {
        holding = false;
        held.forEach(Runnable::run);
        held.clear();
    }

    /** Appends fail with {@code error} (NONE: succeed again). */
    synchronized void failWith(Errors error) {
        failure = error;
    }

    synchronized int size(int partition) {
        return partitions.getOrDefault(partition, List.of()).size();
    }
}
