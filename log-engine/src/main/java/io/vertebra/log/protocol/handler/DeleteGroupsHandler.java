package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.security.InternalResourceGuard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResultCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;

/**
 * DeleteGroups (v0-v2): deletes empty groups and their committed offsets. A group the {@link InternalResourceGuard}
 * protects (the node's Connect worker group) is GROUP_AUTHORIZATION_FAILED for other principals; the rest of the
 * request goes on.
 */
public final class DeleteGroupsHandler implements ApiHandler {
    private final GroupCoordinator coordinator;
    private final InternalResourceGuard guard;

    public DeleteGroupsHandler(GroupCoordinator coordinator, InternalResourceGuard guard) {
        this.coordinator = coordinator;
        this.guard = guard;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        List<String> allowed = new ArrayList<>();
        List<DeletableGroupResult> refused = new ArrayList<>();
        for (String group : ((DeleteGroupsRequest) request).data().groupsNames()) {
            GroupAuthorizationException error = guard.checkGroup(context.principal(), group);
            if (error == null) {
                allowed.add(group);
            } else {
                refused.add(new DeletableGroupResult()
                        .setGroupId(group)
                        .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()));
            }
        }
        return coordinator.deleteGroups(allowed).thenApply(results -> {
            DeletableGroupResultCollection all = new DeletableGroupResultCollection(results.iterator());
            refused.forEach(all::add);
            return new DeleteGroupsResponse(new DeleteGroupsResponseData().setResults(all));
        });
    }
}
