package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;

/**
 * ListGroups (v0-v5): the groups this broker coordinates (admin clients ask every broker), filtered by state
 * (v4+) and type (v5+; all groups here are "classic").
 */
public final class ListGroupsHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        return coordinator.listGroups(((ListGroupsRequest) request).data()).thenApply(ListGroupsResponse::new);
    }
}
