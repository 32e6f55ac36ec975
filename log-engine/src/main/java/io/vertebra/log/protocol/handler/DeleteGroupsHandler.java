package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/** DeleteGroups (v0-v2): deletes empty groups and their committed offsets. */
public final class DeleteGroupsHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        return coordinator
                .deleteGroups(((DeleteGroupsRequest) request).data().groupsNames())
                .thenApply(results -> new DeleteGroupsResponse(new DeleteGroupsResponseData()
                        .setResults(new DeletableGroupResultCollection(results.iterator()))));
    }
}
