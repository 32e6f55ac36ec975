package io.vertebra.connect.file.source;

import java.util.regex.Pattern;

/**
 * Joins lines into multi-line events for one file: a line in which the start pattern is found begins an event, any
 * other line joins the event before it (a stack trace joins its log line). An event is complete when the next event
 * starts, when it holds {@code maxLines} lines, or when no line arrived for {@code timeoutMs}. Used by the task
 * thread only.
 *
 * <p>Each event carries the byte position after its last line; the lines of an incomplete event are not covered by
 * any sent offset, so after a restart they are read again and the event is rebuilt whole.
 */
final class MultilineAssembler {
    /** A complete event: its lines joined by newlines, and the file position after its last line. */
    record Event(String text, long endPosition) {}

    private final Pattern start;
    private final int maxLines;
    private final long timeoutMs;
    private StringBuilder pending;
    private int lines;
    private long endPosition;
    private long lastLineMs;

    MultilineAssembler(Pattern start, int maxLines, long timeoutMs) {
        this.start = start;
        this.maxLines = maxLines;
        this.timeoutMs = timeoutMs;
    }

    /** Adds the next line of the file; returns the event it completes, or null. */
    Event add(String line, long lineEndPosition, long nowMs) {
        Event completed = null;
        if (pending != null && (lines >= maxLines || start.matcher(line).find())) {
            completed = take();
        }
        if (pending == null) {
            pending = new StringBuilder(line);
            lines = 1;
        } else {
            pending.append('\n').append(line);
            lines++;
        }
        endPosition = lineEndPosition;
        lastLineMs = nowMs;
        return completed;
    }

    /** The pending event if no line arrived for the timeout, else null. */
    Event takeIfIdle(long nowMs) {
        return pending != null && nowMs - lastLineMs >= timeoutMs ? take() : null;
    }

    /** The pending event whatever its age (the file is closing), or null. */
    Event takePending() {
        return pending == null ? null : take();
    }

    boolean hasPending() {
        return pending != null;
    }

    /** When the pending event times out, or {@code Long.MAX_VALUE} without one. */
    long deadlineMs() {
        return pending == null ? Long.MAX_VALUE : lastLineMs + timeoutMs;
    }

    /** Drops the pending lines (the file is read again from its start). */
    void reset() {
        pending = null;
        lines = 0;
    }

    private Event take() {
        Event event = new Event(pending.toString(), endPosition);
        pending = null;
        lines = 0;
        return event;
    }
}
