package io.vertebra.node.cli;

/**
 * Reads the {@code trace} of a failed connector or task as the REST API gives it (a Java stack trace). The outer
 * exception is usually the framework's ("Tolerance exceeded in error handler"); what a user can act on is the
 * innermost {@code Caused by}.
 */
final class Traces {
    private static final String CAUSED_BY = "Caused by: ";

    private Traces() {}

    /** The innermost cause's line ({@code class: message}), or the first line when nothing caused it; "" for none. */
    static String rootCause(String trace) {
        if (trace == null || trace.isBlank()) {
            return "";
        }
        String root = null;
        for (String line : trace.lines().toList()) {
            String l = line.strip();
            if (l.startsWith(CAUSED_BY)) {
                root = l.substring(CAUSED_BY.length());
            }
        }
        return root != null ? root : trace.strip().lines().findFirst().orElse("");
    }
}
