package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;

/**
 * SaslAuthenticate as the dispatcher sees it: only after authentication completed, or on a listener without SASL
 * (the exchange itself is served by the connection's {@code SaslAuthentication}). Re-authentication (KIP-368) is
 * not offered — sessions never expire (lifetime 0) — so the answer is ILLEGAL_SASL_STATE, as from Kafka.
 */
public final class SaslAuthenticateHandler implements ApiHandler {
    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        return CompletableFuture.completedFuture(new SaslAuthenticateResponse(new SaslAuthenticateResponseData()
                .setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                .setErrorMessage("SaslAuthenticate is only valid after a SaslHandshake on a SASL listener, before"
                        + " authentication completes; this connection is not authenticating")
                .setAuthBytes(new byte[0])));
    }
}
