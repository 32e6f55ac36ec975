package io.vertebra.log.security;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;

/**
 * The server side of SASL PLAIN (RFC 4616): one client message {@code [authzid] NUL authcid NUL passwd}, checked
 * against {@link PlainUsers}. An authorization id, when sent, must equal the user name (no impersonation).
 *
 * <p>Failures throw {@link SaslException} with a message safe to send to the client and to log: it never holds
 * the password, and a wrong password and an unknown user read the same. One instance per authentication, used
 * by one thread.
 */
public final class PlainSaslServer implements SaslServer {
    public static final String MECHANISM = "PLAIN";
    static final String INVALID_CREDENTIALS = "Authentication failed: Invalid username or password";

    /**
     * The node credential was offered before this broker learned the cluster's secret: not a failure of the
     * client, which is disconnected without an answer so that it reconnects and tries again.
     */
    public static final class NotReady extends SaslException {
        NotReady() {
            super("the node secret is not known yet (the broker is catching up with the cluster metadata)");
        }
    }

    private final PlainUsers users;
    private String authorizationId;
    private boolean complete;

    public PlainSaslServer(PlainUsers users) {
        this.users = users;
    }

    @Override
    public String getMechanismName() {
        return MECHANISM;
    }

    @Override
    public byte[] evaluateResponse(byte[] response) throws SaslException {
        if (complete) {
            throw new SaslException("Authentication failed: the PLAIN exchange is already complete");
        }
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (second < 0 || indexOf(response, second + 1) >= 0) {
            throw new SaslException(
                    "Authentication failed: the PLAIN message must be [authzid] NUL username NUL password");
        }
        String authzid = new String(response, 0, first, StandardCharsets.UTF_8);
        String user = new String(response, first + 1, second - first - 1, StandardCharsets.UTF_8);
        byte[] password = Arrays.copyOfRange(response, second + 1, response.length);
        try {
            if (user.isEmpty() || password.length == 0) {
                throw new SaslException("Authentication failed: username and password must not be empty");
            }
            if (users.pending(user)) {
                throw new NotReady();
            }
            if (!users.matches(user, password)) {
                throw new SaslException(INVALID_CREDENTIALS);
            }
            if (!authzid.isEmpty() && !authzid.equals(user)) {
                throw new SaslException("Authentication failed: the authorization id must be empty or equal the"
                        + " username; user '" + user + "' may not act as another user");
            }
        } finally {
            Arrays.fill(password, (byte) 0);
        }
        authorizationId = user;
        complete = true;
        return new byte[0];
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public String getAuthorizationID() {
        if (!complete) {
            throw new IllegalStateException("the PLAIN exchange is not complete");
        }
        return authorizationId;
    }

    @Override
    public byte[] unwrap(byte[] incoming, int offset, int len) {
        throw new IllegalStateException("PLAIN has no security layer");
    }

    @Override
    public byte[] wrap(byte[] outgoing, int offset, int len) {
        throw new IllegalStateException("PLAIN has no security layer");
    }

    @Override
    public Object getNegotiatedProperty(String propName) {
        if (!complete) {
            throw new IllegalStateException("the PLAIN exchange is not complete");
        }
        return Sasl.QOP.equals(propName) ? "auth" : null;
    }

    @Override
    public void dispose() {
        authorizationId = null;
    }
}
