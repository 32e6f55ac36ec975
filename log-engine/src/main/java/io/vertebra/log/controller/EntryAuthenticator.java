package io.vertebra.log.controller;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates metadata entries and broker heartbeats with {@code controller.secret}: the submitting node seals
 * each one with an HMAC-SHA256 made with the secret; the metadata leader refuses a message that is not sealed with
 * it (or is stale, or a replay), and every node refuses to apply an entry whose seal does not verify.
 *
 * <pre>
 *   0     1                9                17                     n-32           n
 *   +-----+----------------+----------------+----------------------+--------------+
 *   | 'S' | sealed at (ms) | nonce (random) | inner entry or query | HMAC-SHA256  |
 *   +-----+----------------+----------------+----------------------+--------------+
 *   the HMAC covers bytes [0, n-32): type byte, time, nonce and the inner bytes
 * </pre>
 *
 * Sealed bytes sit in the Raft log as they are, so entries stay verifiable on replay. Without a secret
 * ({@link #NONE}) messages go out unsealed and sealed ones are unwrapped without a check (a node with the secret and
 * one without can still read each other's log). Thread-safe: a {@link Mac} is made per call (metadata traffic is a
 * few messages a second, never the produce path) and the replay window is guarded by this object.
 */
final class EntryAuthenticator {
    static final byte SEALED = 'S';
    static final int HEADER = 17;
    static final int MAC_BYTES = 32;
    /** How far a seal's time may be from the leader's clock; nonces are remembered this long. */
    static final long MAX_SKEW_MS = 5 * 60_000L;

    static final EntryAuthenticator NONE = new EntryAuthenticator(null);

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Long> seenNonces = new LinkedHashMap<>();

    private EntryAuthenticator(SecretKeySpec key) {
        this.key = key;
    }

    /** An authenticator with {@code secret} (already checked for length by the caller). */
    static EntryAuthenticator withSecret(String secret) {
        return new EntryAuthenticator(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    boolean enabled() {
        return key != null;
    }

    /** {@code inner} sealed with the secret; {@code inner} itself without one. */
    byte[] seal(byte[] inner, long nowMs) {
        if (key == null) {
            return inner;
        }
        byte[] sealed = new byte[HEADER + inner.length + MAC_BYTES];
        ByteBuffer.wrap(sealed).put(SEALED).putLong(nowMs).putLong(random.nextLong());
        System.arraycopy(inner, 0, sealed, HEADER, inner.length);
        byte[] mac = mac(sealed, sealed.length - MAC_BYTES);
        System.arraycopy(mac, 0, sealed, sealed.length - MAC_BYTES, MAC_BYTES);
        return sealed;
    }

    static boolean isSealed(byte[] data) {
        return data.length >= HEADER + MAC_BYTES && data[0] == SEALED;
    }

    /** The inner entry or query: the bytes between header and HMAC when sealed, else {@code data} itself. */
    static byte[] inner(byte[] data) {
        return isSealed(data) ? Arrays.copyOfRange(data, HEADER, data.length - MAC_BYTES) : data;
    }

    /** Whether {@code data} is sealed with this secret (always false without one). */
    boolean verifies(byte[] data) {
        if (key == null || !isSealed(data)) {
            return false;
        }
        byte[] expected = mac(data, data.length - MAC_BYTES);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(data, data.length - MAC_BYTES, data.length));
    }

    /**
     * Why the metadata leader refuses a submitted message, or null when it accepts it: without a secret everything
     * is accepted; with one, the message must be sealed with it, sealed within {@link #MAX_SKEW_MS} of
     * {@code nowMs}, and not seen before (a captured message cannot be replayed).
     */
    synchronized String refusal(byte[] data, long nowMs) {
        if (key == null) {
            return null;
        }
        if (!isSealed(data)) {
            return "it carries no HMAC made with controller.secret";
        }
        if (!verifies(data)) {
            return "its HMAC does not verify: the sender's controller.secret differs from this node's";
        }
        ByteBuffer header = ByteBuffer.wrap(data, 1, HEADER - 1);
        long sealedAtMs = header.getLong();
        long nonce = header.getLong();
        if (Math.abs(nowMs - sealedAtMs) > MAX_SKEW_MS) {
            return "it was sealed at " + sealedAtMs + " ms, more than " + MAX_SKEW_MS + " ms from this node's clock ("
                    + nowMs + " ms): a replay, or the nodes' clocks differ";
        }
        for (Iterator<Long> it = seenNonces.values().iterator(); it.hasNext(); ) {
            if (it.next() >= nowMs - 2 * MAX_SKEW_MS) {
                break;
            }
            it.remove();
        }
        if (seenNonces.putIfAbsent(nonce, nowMs) != null) {
            return "it is a replay of a message already received";
        }
        return null;
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }
}
