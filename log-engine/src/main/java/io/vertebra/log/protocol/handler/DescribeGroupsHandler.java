package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;

/** DescribeGroups (v0-v6): state, protocol and members (with assignments once Stable) of each group. */
public final class DescribeGroupsHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public DescribeGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        DescribeGroupsRequestData data = ((DescribeGroupsRequest) request).data();
        return coordinator
                .describeGroups(data.groups(), context.apiVersion(), data.includeAuthorizedOperations())
                .thenApply(groups -> new DescribeGroupsResponse(new DescribeGroupsResponseData().setGroups(groups)));
    }
}
