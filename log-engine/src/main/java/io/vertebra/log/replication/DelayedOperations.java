package io.vertebra.log.replication;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;

/**
 * Parks operations that wait for a partition to change (a fetch waiting for {@code fetch.min.bytes}, an acks=all
 * produce waiting for the ISR) without holding a thread: the operation watches its partitions and a timer
 * bounds the wait. Whichever comes first — the condition turning true on a partition change, or the timeout —
 * completes it, exactly once.
 */
public final class DelayedOperations implements AutoCloseable {
    /** What a parked operation is, for the parked-operation counts. */
    public enum Kind {
        PRODUCE,
        FETCH,
        OTHER
    }

    private final ScheduledThreadPoolExecutor timer;
    private final AtomicIntegerArray parkedByKind = new AtomicIntegerArray(Kind.values().length);

    public DelayedOperations() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "delayed-operations");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Parks an operation: {@code ready} is evaluated on every change of {@code partitions} (on the changing
     * thread); when it returns true or after {@code timeoutMs}, {@code complete} runs once.
     */
    public void park(List<Partition> partitions, long timeoutMs, BooleanSupplier ready, Runnable complete) {
        park(Kind.OTHER, partitions, timeoutMs, ready, complete);
    }

    /** As {@link #park(List, long, BooleanSupplier, Runnable)}, counted under {@code kind}. */
    public void park(Kind kind, List<Partition> partitions, long timeoutMs, BooleanSupplier ready, Runnable complete) {
        parkedByKind.incrementAndGet(kind.ordinal());
        Parked parked = new Parked(partitions, ready, () -> {
            parkedByKind.decrementAndGet(kind.ordinal());
            complete.run();
        });
        for (Partition p : partitions) {
            p.addWatcher(parked);
        }
        parked.timeout = timer.schedule(parked::finish, timeoutMs, TimeUnit.MILLISECONDS);
        // The condition may have turned true between the caller's check and the registration.
        parked.onPartitionChange();
    }

    private static final class Parked implements PartitionWatcher {
        private final List<Partition> partitions;
        private final BooleanSupplier ready;
        private final Runnable complete;
        private final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timeout;

        Parked(List<Partition> partitions, BooleanSupplier ready, Runnable complete) {
            this.partitions = partitions;
            this.ready = ready;
            this.complete = complete;
        }

        @Override
        public boolean onPartitionChange() {
            if (done.get()) {
                return true;
            }
            if (ready.getAsBoolean()) {
                finish();
            }
            return done.get();
        }

        void finish() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            ScheduledFuture<?> t = timeout;
            if (t != null) {
                t.cancel(false);
            }
            for (Partition p : partitions) {
                p.removeWatcher(this);
            }
            complete.run();
        }
    }

    /** Operations of {@code kind} parked now (thread-safe). */
    public int parked(Kind kind) {
        return parkedByKind.get(kind.ordinal());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
