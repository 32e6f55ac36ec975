package io.vertebra.connect.file.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads complete lines from tracked files through one read window shared by all files of a task. The window keeps
 * the bytes of the file read last, so consecutive polls of the same file do not read a byte twice; switching files
 * drops the window. Lines end with {@code \n} (a {@code \r} before it is dropped); a last line without its newline is
 * left unread until the newline is written. A line longer than {@code lineMaxBytes} is handed on in pieces of that
 * size. Used by the task thread only.
 */
final class LineReader {
    /** Receives each line; returns false to stop reading (the batch is full). */
    interface LineSink {
        boolean line(TrackedFile file, byte[] bytes, int offset, int length, long endPosition) throws IOException;
    }

    private final int lineMaxBytes;
    private byte[] window;
    private TrackedFile owner;
    /** The file position of {@code window[0]}. */
    private long windowStart;
    /** How many bytes of the window hold file content. */
    private int windowLimit;

    LineReader(int readBufferBytes, int lineMaxBytes) {
        this.window = new byte[readBufferBytes];
        this.lineMaxBytes = lineMaxBytes;
    }

    /**
     * Hands complete lines of {@code file}, from its read position on, to {@code sink} until the sink is full or no
     * complete line is left. Advances {@code file.readPosition} past each line handed on, sets {@code file.atEnd},
     * and returns whether new bytes were read from the file.
     */
    boolean read(TrackedFile file, LineSink sink) throws IOException {
        positionWindow(file);
        boolean grew = false;
        int lineStart = 0; // window index of the first byte not handed on
        int scan = 0; // window index where the search for the next newline continues
        while (true) {
            int newline = indexOfNewline(scan, windowLimit);
            int end = newline < 0
                    ? windowLimit
                    : newline > lineStart && window[newline - 1] == '\r' ? newline - 1 : newline;
            if (end - lineStart > lineMaxBytes || (newline < 0 && end - lineStart == lineMaxBytes)) {
                // a line longer than lineMaxBytes: hand on a piece of it
                long endPosition = windowStart + lineStart + lineMaxBytes;
                file.readPosition = endPosition;
                boolean more = sink.line(file, window, lineStart, lineMaxBytes, endPosition);
                lineStart += lineMaxBytes;
                scan = Math.max(scan, lineStart);
                if (!more) {
                    file.atEnd = false;
                    return grew;
                }
                continue;
            }
            if (newline >= 0) {
                long endPosition = windowStart + newline + 1;
                file.readPosition = endPosition;
                boolean more = sink.line(file, window, lineStart, end - lineStart, endPosition);
                lineStart = newline + 1;
                scan = lineStart;
                if (!more) {
                    file.atEnd = false;
                    return grew;
                }
                continue;
            }
            // no complete line in the window: make room and read more
            if (lineStart > 0) {
                compact(lineStart);
                lineStart = 0;
            }
            scan = windowLimit;
            if (windowLimit == window.length) {
                int larger = (int) Math.min((long) window.length * 2, Math.max(lineMaxBytes, window.length));
                window = Arrays.copyOf(window, larger);
            }
            int n = file.channel.read(
                    ByteBuffer.wrap(window, windowLimit, window.length - windowLimit), windowStart + windowLimit);
            if (n <= 0) {
                file.atEnd = true;
                return grew;
            }
            windowLimit += n;
            grew = true;
        }
    }

    /** Makes the window start at the file's read position, keeping bytes already read from it. */
    private void positionWindow(TrackedFile file) {
        long position = file.readPosition;
        if (owner == file && position >= windowStart && position <= windowStart + windowLimit) {
            compact((int) (position - windowStart));
        } else {
            owner = file;
            windowStart = position;
            windowLimit = 0;
        }
    }

    private void compact(int consumed) {
        if (consumed > 0) {
            System.arraycopy(window, consumed, window, 0, windowLimit - consumed);
            windowLimit -= consumed;
            windowStart += consumed;
        }
    }

    private int indexOfNewline(int from, int to) {
        byte[] bytes = window;
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Forgets the window if it holds {@code file}'s bytes (the file was closed or is read again from its start). */
    void forget(TrackedFile file) {
        if (owner == file) {
            owner = null;
            windowLimit = 0;
        }
    }
}
