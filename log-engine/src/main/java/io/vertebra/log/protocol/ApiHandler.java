package io.vertebra.log.protocol;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Serves one Kafka API. Called on the connection's network thread with the parsed request; must not block:
 * work that waits (for replication, for new data, for a group rebalance, for the controller) completes the
 * returned future later, from any thread. Any {@code ApiException} thrown or completed exceptionally is turned
 * into the request's error response with that error code and message.
 *
 * <p>Records inside the request (produce data) point into the network buffer, which is released when
 * {@link #handle} returns: a handler must consume them before returning.
 */
@FunctionalInterface
public interface ApiHandler {
    CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request);
}
