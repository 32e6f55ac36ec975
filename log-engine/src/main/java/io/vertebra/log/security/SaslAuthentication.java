package io.vertebra.log.security;

import java.nio.ByteBuffer;
import java.util.List;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SASL authentication of one connection to a SASL listener, Kafka's sequence:
 *
 * <pre>
 *   ApiVersions*  →  SaslHandshake(mechanism)  →  v1: SaslAuthenticate(token) ... (KIP-152)
 *                                              →  v0: raw size-prefixed tokens (KIP-43)
 * </pre>
 *
 * Until it completes, ApiVersions is served normally (so clients learn which SASL versions to use), the two SASL
 * APIs drive the exchange, and any other request is refused with ILLEGAL_SASL_STATE and the connection closed;
 * an unknown mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled list, bad credentials get
 * SASL_AUTHENTICATION_FAILED, and both close the connection after the answer (as Kafka does). Once complete the
 * connection's principal is {@code User:<name>} and requests flow to the dispatcher.
 *
 * <p>Where SASL is optional (a PLAINTEXT or SSL listener that accepts the node credential), the first request that
 * is neither ApiVersions nor SaslHandshake ends the chance to authenticate: it and every later request are
 * served as from an unauthenticated client, and a later SaslHandshake reaches the dispatcher (ILLEGAL_SASL_STATE).
 *
 * <p>Confined to the connection's event-loop thread. Error messages never hold a password.
 */
public final class SaslAuthentication {
    private static final Logger log = LoggerFactory.getLogger(SaslAuthentication.class);

    private enum State {
        HANDSHAKE,
        AUTHENTICATE,
        RAW_TOKEN,
        COMPLETE,
        /** SASL was optional and the client went on without it. */
        SKIPPED,
        FAILED
    }

    /** Hears the outcome of each authentication (metrics). Called on the connection's thread; must not block. */
    public interface Listener {
        /** {@code mechanism}: an enabled mechanism, or "unsupported" when the client asked for another. */
        void onAuthentication(String mechanism, boolean succeeded);
    }

    /**
     * What to do with a request that arrived before authentication completed: write {@code response} (when not
     * null) and then close the connection when {@code close}.
     */
    public record Reply(AbstractResponse response, boolean close) {}

    private final PlainUsers users;
    private final List<String> mechanisms;
    private final boolean required;
    private final String connectionId;
    private final Listener listener;
    private State state = State.HANDSHAKE;
    private SaslServer server;
    private KafkaPrincipal principal;

    SaslAuthentication(
            PlainUsers users, List<String> mechanisms, boolean required, String connectionId, Listener listener) {
        this.users = users;
        this.mechanisms = mechanisms;
        this.required = required;
        this.connectionId = connectionId;
        this.listener = listener;
    }

    /**
     * True once requests flow to the dispatcher: authenticated, or (where SASL is optional) the client went on
     * without authenticating.
     */
    public boolean complete() {
        return state == State.COMPLETE || state == State.SKIPPED;
    }

    /**
     * True while this connection is held to the small pre-authentication frame size: SASL is required and not
     * complete, or the client has started the optional exchange. A client on a PLAINTEXT or SSL listener that has
     * not started SASL is not held to it (it may never authenticate, and its first Produce may be large).
     */
    public boolean authenticating() {
        return required ? !complete() : state == State.AUTHENTICATE || state == State.RAW_TOKEN;
    }

    /** True when the next frame is a raw SASL token (after a v0 handshake), not a Kafka request. */
    public boolean expectsRawToken() {
        return state == State.RAW_TOKEN;
    }

    /** The authenticated principal once {@link #complete()}; null when the client went on without SASL. */
    public KafkaPrincipal principal() {
        return principal;
    }

    /**
     * A Kafka request received before completion. Returns null when it should be dispatched as usual
     * (ApiVersions), else the reply.
     */
    public Reply onRequest(RequestHeader header, AbstractRequest request) {
        ApiKeys api = header.apiKey();
        if (state == State.HANDSHAKE && api == ApiKeys.API_VERSIONS) {
            return null;
        }
        if (state == State.HANDSHAKE && api == ApiKeys.SASL_HANDSHAKE) {
            return handshake(header, (SaslHandshakeRequest) request);
        }
        if (state == State.AUTHENTICATE && api == ApiKeys.SASL_AUTHENTICATE) {
            return authenticate((SaslAuthenticateRequest) request);
        }
        if (state == State.HANDSHAKE && !required) {
            state = State.SKIPPED;
            return null;
        }
        String expected = state == State.AUTHENTICATE ? "SaslAuthenticate" : "ApiVersions or SaslHandshake";
        state = State.FAILED;
        log.info(
                "closing {}: {} v{} before SASL authentication completed (expected {})",
                connectionId,
                api.name,
                header.apiVersion(),
                expected);
        if (api == ApiKeys.PRODUCE && ((ProduceRequest) request).acks() == 0) {
            return new Reply(null, true);
        }
        return new Reply(
                request.getErrorResponse(new IllegalSaslStateException(
                        "this listener requires SASL authentication first (" + expected + "), not " + api.name)),
                true);
    }

    private Reply handshake(RequestHeader header, SaslHandshakeRequest request) {
        String mechanism = request.data().mechanism();
        if (!mechanisms.contains(mechanism)) {
            state = State.FAILED;
            log.info(
                    "closing {}: the client asked for SASL mechanism '{}'; enabled: {}",
                    connectionId,
                    mechanism,
                    mechanisms);
            // not the client's string: clients must not be able to mint new meters
            listener.onAuthentication("unsupported", false);
            return new Reply(
                    new SaslHandshakeResponse(new SaslHandshakeResponseData()
                            .setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code())
                            .setMechanisms(mechanisms)),
                    true);
        }
        server = new PlainSaslServer(users);
        state = header.apiVersion() == 0 ? State.RAW_TOKEN : State.AUTHENTICATE;
        return new Reply(
                new SaslHandshakeResponse(new SaslHandshakeResponseData()
                        .setErrorCode(Errors.NONE.code())
                        .setMechanisms(mechanisms)),
                false);
    }

    private Reply authenticate(SaslAuthenticateRequest request) {
        try {
            byte[] challenge = evaluate(request.data().authBytes());
            return new Reply(
                    new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                            .setErrorCode(Errors.NONE.code())
                            .setAuthBytes(challenge)
                            .setSessionLifetimeMs(0)),
                    false);
        } catch (PlainSaslServer.NotReady e) {
            return new Reply(null, true); // a disconnect during authentication: kafka-clients reconnect
        } catch (SaslException e) {
            return new Reply(
                    new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                            .setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                            .setErrorMessage(e.getMessage())
                            .setAuthBytes(new byte[0])),
                    true);
        }
    }

    /**
     * A raw token after a v0 handshake. Returns the server's token to send back (size-prefixed, no Kafka
     * header); throws when authentication failed, after which the connection is closed without an answer (v0
     * has no way to carry an error).
     */
    public byte[] onRawToken(ByteBuffer frame) throws SaslException {
        byte[] token = new byte[frame.remaining()];
        frame.get(token);
        return evaluate(token);
    }

    private byte[] evaluate(byte[] token) throws SaslException {
        try {
            byte[] challenge = server.evaluateResponse(token);
            if (server.isComplete()) {
                principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.getAuthorizationID());
                state = State.COMPLETE;
                log.debug("{} authenticated as {}", connectionId, principal);
                listener.onAuthentication(server.getMechanismName(), true);
            }
            return challenge;
        } catch (SaslException e) {
            state = State.FAILED;
            log.info(
                    "closing {}: SASL/{} authentication failed: {}",
                    connectionId,
                    server.getMechanismName(),
                    e.getMessage());
            listener.onAuthentication(server.getMechanismName(), false);
            throw e;
        } finally {
            java.util.Arrays.fill(token, (byte) 0);
        }
    }
}
