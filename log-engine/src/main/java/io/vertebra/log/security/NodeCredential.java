package io.vertebra.log.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The node credential: the SASL/PLAIN user {@value #USER} with a random secret shared by every broker of a
 * cluster. The node's own Connect worker authenticates with it, so the broker can tell the node's clients from
 * everyone else even on a PLAINTEXT listener, where every other client is ANONYMOUS. The secret is made once by
 * the controller ({@link #newSecret}), kept in the replicated cluster metadata, and read from the current
 * metadata image at each authentication (null until the cluster formed: every attempt fails until then).
 *
 * <p>Immutable and thread-safe. Nothing it prints holds the secret.
 */
public final class NodeCredential {
    /** The reserved user name; {@code sasl.plain.users} may not use it. */
    public static final String USER = "__vertebra_node";

    public static final KafkaPrincipal PRINCIPAL = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, USER);

    private static final SecureRandom random = new SecureRandom();

    private final Supplier<String> secret;

    /** @param secret the cluster's current secret, or null while it is not known yet */
    public NodeCredential(Supplier<String> secret) {
        this.secret = secret;
    }

    /** A new random secret: 32 bytes, URL-safe base64 (no quote or backslash, so it fits a JAAS line as is). */
    public static String newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** True when {@code password} is the secret (compared in constant time); false while no secret is known. */
    boolean matches(byte[] password) {
        String current = secret.get();
        if (current == null) {
            return false;
        }
        return MessageDigest.isEqual(current.getBytes(StandardCharsets.UTF_8), password);
    }

    /** The secret for this node's own clients, or null while the cluster has none yet. */
    public String secret() {
        return secret.get();
    }

    @Override
    public String toString() {
        return "NodeCredential[" + USER + ", secret hidden]";
    }
}
