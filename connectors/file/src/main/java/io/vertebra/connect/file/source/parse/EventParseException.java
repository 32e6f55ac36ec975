package io.vertebra.connect.file.source.parse;

/** An event that is not valid for the configured format; the message says why (the caller adds file and position). */
public final class EventParseException extends Exception {
    public EventParseException(String message) {
        super(message);
    }

    public EventParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
