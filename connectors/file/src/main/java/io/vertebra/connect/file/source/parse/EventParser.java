package io.vertebra.connect.file.source.parse;

import org.apache.kafka.connect.data.SchemaAndValue;

/**
 * Turns the text of one event (a line, or the lines of a multi-line event joined by newlines) into a record value
 * with its schema. One instance per file, used only by the task thread; a parser may keep per-file state such as the
 * column names of a CSV header.
 */
public interface EventParser {
    /** True when the first line of each file is a header, handed to {@link #header} instead of {@link #parse}. */
    default boolean wantsHeader() {
        return false;
    }

    /** Receives the first line of the file when {@link #wantsHeader()}; called before any {@link #parse}. */
    default void header(String line) throws EventParseException {}

    /** The value of one event; throws {@link EventParseException} with a reason when the text is not valid. */
    SchemaAndValue parse(String event) throws EventParseException;
}
