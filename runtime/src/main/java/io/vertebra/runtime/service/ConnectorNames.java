package io.vertebra.runtime.service;

/** What a connector name may be: it appears in URLs, topic keys and consumer group ids. */
final class ConnectorNames {
    private ConnectorNames() {}

    /** Null when fine, else what is wrong with the name. */
    static String problem(String name) {
        if (name == null || name.isBlank()) {
            return "Connector name must not be empty";
        }
        if (!name.equals(name.trim())) {
            return "Connector name '" + name + "' must not start or end with whitespace";
        }
        if (name.length() > 200) {
            return "Connector name must be at most 200 characters, got " + name.length();
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                return "Connector name must not contain control characters (found U+" + String.format("%04X", (int) c)
                        + ")";
            }
            if (c == '\uFFFD') {
                return "Connector name is not valid UTF-8 (it holds U+FFFD, the replacement character for bad bytes)";
            }
            if (c == '/' || c == '\\') {
                return "Connector name '" + name + "' must not contain '" + c + "' (it is part of URLs)";
            }
        }
        return null;
    }
}
