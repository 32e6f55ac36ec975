package io.vertebra.node.cli;

/**
 * A failure the user can act on: the message names the problem and the fix, and the command exits non-zero
 * ({@link #exitCode}). {@code vertebra} prints it as {@code error: <message>} without a stack trace.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The operation failed (a server answered an error, a file is invalid, ...). */
    public static final int FAILED = 1;
    /** A server could not be reached. */
    public static final int UNREACHABLE = 3;
    /** {@code --wait} ran out of time before the connectors settled (none failed). */
    public static final int TIMED_OUT = 4;

    private final int exitCode;

    public CliException(String message) {
        this(message, FAILED);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
