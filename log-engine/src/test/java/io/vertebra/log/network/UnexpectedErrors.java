package io.vertebra.log.network;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the warnings and errors with a stack trace that Vertebra logs while installed: the broker's way of
 * saying "this input hit a bug" (an exception no handler expected), which a test of bad input must not see.
 */
final class UnexpectedErrors extends AbstractAppender implements AutoCloseable {
    private final List<String> seen = new CopyOnWriteArrayList<>();

    private UnexpectedErrors() {
        super("unexpected-errors", null, null, true, Property.EMPTY_ARRAY);
    }

    static UnexpectedErrors install() {
        UnexpectedErrors appender = new UnexpectedErrors();
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(appender, Level.WARN, null);
        context.updateLoggers();
        return appender;
    }

    @Override
    public void append(LogEvent event) {
        if (event.getThrown() != null && event.getLoggerName().startsWith("io.vertebra")) {
            seen.add(
                    event.getLoggerName() + ": " + event.getMessage().getFormattedMessage() + ": " + event.getThrown());
        }
    }

    List<String> seen() {
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(getName());
        context.updateLoggers();
        stop();
    }
}
