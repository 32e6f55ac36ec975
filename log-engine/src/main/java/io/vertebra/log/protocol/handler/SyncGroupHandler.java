package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;

/** SyncGroup (v0-v5): parked until the leader's assignment is stored, then answered with the member's share. */
public final class SyncGroupHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public SyncGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        return coordinator.syncGroup(((SyncGroupRequest) request).data()).thenApply(SyncGroupResponse::new);
    }
}
