package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.RequestDispatcher;
import org.apache.kafka.common.protocol.ApiKeys;

/** The handlers of the consumer group APIs, all served by one {@link GroupCoordinator}. */
public final class GroupHandlers {
    private GroupHandlers() {}

    public static void register(RequestDispatcher dispatcher, GroupCoordinator coordinator) {
        dispatcher.register(ApiKeys.FIND_COORDINATOR, new FindCoordinatorHandler(coordinator));
        dispatcher.register(ApiKeys.JOIN_GROUP, new JoinGroupHandler(coordinator));
        dispatcher.register(ApiKeys.SYNC_GROUP, new SyncGroupHandler(coordinator));
        dispatcher.register(ApiKeys.HEARTBEAT, new HeartbeatHandler(coordinator));
        dispatcher.register(ApiKeys.LEAVE_GROUP, new LeaveGroupHandler(coordinator));
        dispatcher.register(ApiKeys.OFFSET_COMMIT, new OffsetCommitHandler(coordinator));
        dispatcher.register(ApiKeys.OFFSET_FETCH, new OffsetFetchHandler(coordinator));
        dispatcher.register(ApiKeys.OFFSET_DELETE, new OffsetDeleteHandler(coordinator));
        dispatcher.register(ApiKeys.LIST_GROUPS, new ListGroupsHandler(coordinator));
        dispatcher.register(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsHandler(coordinator));
        dispatcher.register(ApiKeys.DELETE_GROUPS, new DeleteGroupsHandler(coordinator));
    }
}
