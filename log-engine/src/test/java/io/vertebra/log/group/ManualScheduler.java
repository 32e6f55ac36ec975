package io.vertebra.log.group;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.PriorityQueue;

/**
 * A coordinator "thread" driven by the test: {@link #execute} queues, {@link #runPending} runs the queue, and
 * {@link #advance} moves the clock and runs the timers that come due in deadline order. Everything runs on the
 * test thread, so the group state machine is tested deterministically and without sleeping.
 */
final class ManualScheduler implements GroupScheduler {
    private record Timer(long deadlineMs, long seq, Runnable task, boolean[] cancelled) {}

    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers =
            new PriorityQueue<>(Comparator.comparingLong(Timer::deadlineMs).thenComparingLong(Timer::seq));
    private long nowMs;
    private long seq;

    ManualScheduler(long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    @Override
    public Cancellable schedule(long delayMs, Runnable task) {
        boolean[] cancelled = {false};
        timers.add(new Timer(nowMs + Math.max(0, delayMs), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    /** Runs queued tasks (and what they queue) and timers already due. */
    void runPending() {
        advance(0);
    }

    /** Moves the clock by {@code ms}, running queued tasks and each timer at its deadline. */
    void advance(long ms) {
        long target = nowMs + ms;
        while (true) {
            while (!queue.isEmpty()) {
                queue.poll().run();
            }
            Timer next = timers.peek();
            if (next == null || next.deadlineMs() > target) {
                break;
            }
            timers.poll();
            if (!next.cancelled()[0]) {
                nowMs = Math.max(nowMs, next.deadlineMs());
                next.task().run();
            }
        }
        nowMs = target;
    }
}
