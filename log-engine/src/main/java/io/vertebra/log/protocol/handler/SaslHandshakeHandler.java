package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/**
 * SaslHandshake as the dispatcher sees it: on a SASL listener the handshake is served by the connection's
 * {@code SaslAuthentication} before any request reaches here, so a handshake that does arrive comes from a
 * connection that already authenticated, or from a client that wants SASL on a listener without it. Both get
 * ILLEGAL_SASL_STATE, as from Kafka; the client reports the enabled mechanisms it is told (none without SASL).
 */
public final class SaslHandshakeHandler implements ApiHandler {
    private final List<String> enabledMechanisms;

    public SaslHandshakeHandler(List<String> enabledMechanisms) {
        this.enabledMechanisms = List.copyOf(enabledMechanisms);
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        return CompletableFuture.completedFuture(new SaslHandshakeResponse(new SaslHandshakeResponseData()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                .setMechanisms(enabledMechanisms)));
    }
}
