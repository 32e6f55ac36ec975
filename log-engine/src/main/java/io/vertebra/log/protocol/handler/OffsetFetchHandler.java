package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;

/**
 * OffsetFetch (v1-v10; several groups from v8, topic ids from v10). {@code require_stable} is satisfied
 * trivially: without transactions there are no pending transactional offsets to wait for.
 */
public final class OffsetFetchHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public OffsetFetchHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        return coordinator
                .fetchOffsets(((OffsetFetchRequest) request).groups(), version)
                .thenApply(groups -> new OffsetFetchResponse.Builder(groups).build(version));
    }
}
