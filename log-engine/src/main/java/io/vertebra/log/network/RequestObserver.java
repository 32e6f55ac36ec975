package io.vertebra.log.network;

import io.vertebra.log.security.SaslAuthentication;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Hears what the listener serves (request metrics). Called on the connection's event-loop thread: must be cheap,
 * must not block and must not keep the response.
 */
public interface RequestObserver extends SaslAuthentication.Listener {
    /**
     * A request was served: {@code response} is its answer (also for acks=0 produce, whose answer is not sent),
     * {@code receivedNs} the {@link System#nanoTime()} at which its frame was read.
     */
    void onResponse(RequestHeader header, long receivedNs, AbstractResponse response);
}
