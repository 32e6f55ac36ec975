package io.vertebra.log.network;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The listener's budget for request bytes ({@code queued.max.request.bytes}), Kafka's request memory pool: a
 * connection reserves a frame's whole declared size when it reads the size prefix, before any buffer is
 * allocated, and gives it back once the request was parsed and handed on. A reservation that does not fit is
 * refused (never granted in part: a frame that starts reading can always finish), and the connection waits —
 * its reads paused — until {@link #release} wakes it. The budget is at least {@code socket.request.max.bytes}
 * (checked by the config), so every frame the listener accepts fits when the pool is empty.
 *
 * <p>Thread-safe and lock-free: every network thread reserves and releases; one compare-and-set per frame, none
 * per record. Waiters are woken all at once and retry on their own event loops.
 */
public final class RequestMemory {
    private final long budgetBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong peakBytes = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    RequestMemory(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("request memory budget must be positive, got " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    /** Reserves {@code bytes} if they fit in what is left of the budget; false (nothing reserved) otherwise. */
    boolean tryReserve(long bytes) {
        long used;
        long next;
        do {
            used = usedBytes.get();
            next = used + bytes;
            if (next > budgetBytes) {
                return false;
            }
        } while (!usedBytes.compareAndSet(used, next));
        if (next > peakBytes.get()) {
            peakBytes.accumulateAndGet(next, Math::max);
        }
        return true;
    }

    /**
     * Reserves {@code bytes}, or registers {@code wake} to be run (on the releasing thread; it must only hand
     * work to its own event loop) once memory was released, and returns false. A wake-up may come although a
     * later attempt succeeds: the waiter must check that it still waits.
     */
    boolean reserveOrWait(long bytes, Runnable wake) {
        if (tryReserve(bytes)) {
            return true;
        }
        waiters.add(wake);
        // a release between the failed attempt and the registration would not have seen this waiter
        return tryReserve(bytes);
    }

    /** Gives back {@code bytes} reserved before and wakes every waiting connection. */
    void release(long bytes) {
        usedBytes.addAndGet(-bytes);
        Runnable wake;
        while ((wake = waiters.poll()) != null) {
            wake.run();
        }
    }

    public long budgetBytes() {
        return budgetBytes;
    }

    /** Bytes reserved now by frames being read or handled. */
    public long usedBytes() {
        return usedBytes.get();
    }

    /** The most bytes ever reserved at once since the listener started: never above {@link #budgetBytes}. */
    public long peakBytes() {
        return peakBytes.get();
    }

    /** Connections waiting for memory now (approximate). */
    public int waiting() {
        return waiters.size();
    }
}
