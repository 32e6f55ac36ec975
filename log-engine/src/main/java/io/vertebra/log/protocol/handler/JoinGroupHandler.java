package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.group.Requester;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;

/**
 * JoinGroup (v0-v9): the answer is parked until the group's join phase completes (see the group coordinator).
 * New members are recorded with the client id and address of the connection.
 */
public final class JoinGroupHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public JoinGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        short version = context.apiVersion();
        Requester requester = new Requester(
                context.clientId() == null ? "" : context.clientId(),
                context.clientAddress() == null ? "" : context.clientAddress().toString(),
                version);
        return coordinator
                .joinGroup(((JoinGroupRequest) request).data(), requester)
                .thenApply(data -> new JoinGroupResponse(data, version));
    }
}
