package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.security.InternalResourceGuard;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.SyncGroupRequest;

/**
 * The handlers of the consumer group APIs, all served by one {@link GroupCoordinator}. The APIs that act in one
 * group (join, sync, heartbeat, leave, commit or delete offsets) answer GROUP_AUTHORIZATION_FAILED, without
 * reaching the coordinator, to a principal the {@link InternalResourceGuard} keeps out of that group.
 */
public final class GroupHandlers {
    private GroupHandlers() {}

    public static void register(
            RequestDispatcher dispatcher, GroupCoordinator coordinator, InternalResourceGuard guard) {
        dispatcher.register(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(coordinator));
        dispatcher.register(
                ApiKeys.JOIN_GROUP,
                guarded(guard, r -> ((JoinGroupRequest) r).data().groupId(), new JoinGroupHandler(coordinator)));
        dispatcher.register(
                ApiKeys.SYNC_GROUP,
                guarded(guard, r -> ((SyncGroupRequest) r).data().groupId(), new SyncGroupHandler(coordinator)));
        dispatcher.register(
                ApiKeys.HEARTBEAT,
                guarded(guard, r -> ((HeartbeatRequest) r).data().groupId(), new HeartbeatHandler(coordinator)));
        dispatcher.register(
                ApiKeys.LEAVE_GROUP,
                guarded(guard, r -> ((LeaveGroupRequest) r).data().groupId(), new LeaveGroupHandler(coordinator)));
        dispatcher.register(
                ApiKeys.OFFSET_COMMIT,
                guarded(guard, r -> ((OffsetCommitRequest) r).data().groupId(), new OffsetCommitHandler(coordinator)));
        dispatcher.register(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(coordinator));
        dispatcher.register(
                ApiKeys.OFFSET_DELETE,
                guarded(guard, r -> ((OffsetDeleteRequest) r).data().groupId(), new OffsetDeleteHandler(coordinator)));
        dispatcher.register(ApiKeys.LIST_GROUPS, new ListGroupsHandler(coordinator));
        dispatcher.register(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsHandler(coordinator));
        dispatcher.register(ApiKeys.DELETE_GROUPS, new DeleteGroupsHandler(coordinator, guard));
    }

    private static ApiHandler guarded(
            InternalResourceGuard guard, Function<AbstractRequest, String> groupOf, ApiHandler handler) {
        return (context, request) -> {
            GroupAuthorizationException refused = guard.checkGroup(context.principal(), groupOf.apply(request));
            return refused == null
                    ? handler.handle(context, request)
                    : CompletableFuture.completedFuture(request.getErrorResponse(refused));
        };
    }
}
