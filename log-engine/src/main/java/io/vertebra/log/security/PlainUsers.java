package io.vertebra.log.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The users a SASL/PLAIN listener accepts, parsed from {@code sasl.plain.users} ({@code user:password,...}). A
 * user name may not contain {@code ':'} or {@code ','}; a password may contain {@code ':'} but not {@code ','}.
 * Passwords are kept as bytes and compared in constant time; no method of this class returns or prints one.
 * The reserved user {@value NodeCredential#USER} is not configured here: it is accepted when a
 * {@link NodeCredential} is attached ({@link #withNodeCredential}). Immutable and thread-safe.
 */
public final class PlainUsers {
    public static final PlainUsers NONE = new PlainUsers(Map.of(), null);

    private final Map<String, byte[]> passwords;
    private final NodeCredential node;

    private PlainUsers(Map<String, byte[]> passwords, NodeCredential node) {
        this.passwords = passwords;
        this.node = node;
    }

    /** These users and also {@value NodeCredential#USER} with the secret of {@code node}. */
    public PlainUsers withNodeCredential(NodeCredential node) {
        return new PlainUsers(passwords, node);
    }

    /**
     * Parses {@code user:password,...}; each problem is added to {@code problems} naming {@code key} and the
     * entry's position and user (never the password). Returns the users that parsed.
     */
    public static PlainUsers parse(String key, String value, List<String> problems) {
        Map<String, byte[]> users = new LinkedHashMap<>();
        String[] entries = value == null ? new String[0] : value.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].trim();
            int colon = entry.indexOf(':');
            if (entry.isEmpty() && entries.length == 1) {
                break;
            }
            if (colon <= 0 || colon == entry.length() - 1) {
                problems.add(key + ": entry " + (i + 1) + " is not user:password (a non-empty user name, a colon, a"
                        + " non-empty password)" + (colon > 0 ? " for user '" + entry.substring(0, colon) + "'" : ""));
                continue;
            }
            String user = entry.substring(0, colon);
            if (user.equals(NodeCredential.USER)) {
                problems.add(
                        key + ": user '" + user + "' is reserved for the node's own clients; choose another" + " name");
                continue;
            }
            if (users.put(user, entry.substring(colon + 1).getBytes(StandardCharsets.UTF_8)) != null) {
                problems.add(key + ": user '" + user + "' is listed twice");
            }
        }
        return new PlainUsers(Map.copyOf(users), null);
    }

    /** True when {@code user} exists and {@code password} is its password (compared in constant time). */
    public boolean matches(String user, byte[] password) {
        if (node != null && user.equals(NodeCredential.USER)) {
            return node.matches(password);
        }
        byte[] expected = passwords.get(user);
        if (expected == null) {
            // compare anyway so an unknown user takes as long as a wrong password
            MessageDigest.isEqual(password, password);
            return false;
        }
        return MessageDigest.isEqual(expected, password);
    }

    /**
     * True when {@code user} is the node credential's user but this broker does not know the cluster's secret yet
     * (it is still catching up with the cluster metadata): the client should try again, not give up.
     */
    public boolean pending(String user) {
        return node != null && user.equals(NodeCredential.USER) && node.secret() == null;
    }

    public Set<String> names() {
        return passwords.keySet();
    }

    public boolean isEmpty() {
        return passwords.isEmpty();
    }

    @Override
    public String toString() {
        return "PlainUsers" + passwords.keySet() + " (passwords hidden)";
    }
}
