package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;

/**
 * LeaveGroup (v0-v5): one member up to v2, a batch (members by id, or static members by instance id) from v3.
 * Up to v2 the single member's error becomes the top-level error.
 */
public final class LeaveGroupHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public LeaveGroupHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        LeaveGroupRequest leave = (LeaveGroupRequest) request;
        short version = context.apiVersion();
        return coordinator
                .leaveGroup(leave.data().groupId(), leave.members())
                .thenApply(
                        data -> new LeaveGroupResponse(data.members(), Errors.forCode(data.errorCode()), 0, version));
    }
}
