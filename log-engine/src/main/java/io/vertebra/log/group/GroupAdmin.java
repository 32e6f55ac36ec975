package io.vertebra.log.group;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.utils.Utils;

/**
 * The admin APIs over groups: ListGroups, DescribeGroups and DeleteGroups. Every group here is a "classic"
 * group (the only type this broker runs). Called on the coordinator thread only.
 */
final class GroupAdmin {
    static final String CLASSIC_TYPE = "classic";
    /** Without an authorizer every operation a group supports is allowed (as Kafka reports it). */
    private static final int ALL_GROUP_OPERATIONS = Utils.to32BitField(Set.of(
            AclOperation.READ.code(),
            AclOperation.DESCRIBE.code(),
            AclOperation.DELETE.code(),
            AclOperation.DESCRIBE_CONFIGS.code(),
            AclOperation.ALTER_CONFIGS.code()));

    private final GroupCatalog catalog;
    private final GroupWriter writer;
    private final Rebalance rebalance;

    GroupAdmin(GroupCatalog catalog, GroupWriter writer, Rebalance rebalance) {
        this.catalog = catalog;
        this.writer = writer;
        this.rebalance = rebalance;
    }

    /**
     * The groups this broker coordinates, filtered by state names and group types (case-insensitive; empty
     * filters match everything). While an offsets partition loads, its groups are missing and the response
     * carries COORDINATOR_LOAD_IN_PROGRESS so the client asks again.
     */
    ListGroupsResponseData list(ListGroupsRequestData request) {
        Set<GroupState> states = new HashSet<>();
        for (String name : request.statesFilter()) {
            GroupState state = GroupState.parse(name);
            if (state != null) {
                states.add(state);
            }
        }
        boolean noStateMatches = !request.statesFilter().isEmpty() && states.isEmpty();
        Set<String> types = new HashSet<>();
        request.typesFilter().forEach(t -> types.add(t.toLowerCase(Locale.ROOT)));
        ListGroupsResponseData response = new ListGroupsResponseData()
                .setErrorCode(catalog.anyLoading() ? Errors.COORDINATOR_LOAD_IN_PROGRESS.code() : Errors.NONE.code());
        if (noStateMatches || (!types.isEmpty() && !types.contains(CLASSIC_TYPE))) {
            return response;
        }
        for (ClassicGroup group : catalog.all()) {
            if (group.is(GroupState.DEAD) || (!states.isEmpty() && !states.contains(group.state()))) {
                continue;
            }
            response.groups()
                    .add(new ListedGroup()
                            .setGroupId(group.groupId)
                            .setProtocolType(group.protocolType == null ? "" : group.protocolType)
                            .setGroupState(group.state().kafkaName())
                            .setGroupType(CLASSIC_TYPE));
        }
        return response;
    }

    /**
     * One group's state, protocol and members. Member metadata and assignments are only shown when Stable (in
     * a rebalance they are in flux). An unknown group is GROUP_ID_NOT_FOUND from v6, a Dead group before.
     */
    DescribedGroup describe(String groupId, short version, boolean includeAuthorizedOperations) {
        Errors error = catalog.check(groupId, true);
        if (error != Errors.NONE) {
            // The error message field exists from v6 on.
            return version >= 6
                    ? DescribeGroupsResponse.groupError(groupId, error, error.message())
                    : DescribeGroupsResponse.groupError(groupId, error);
        }
        int operations = includeAuthorizedOperations
                ? ALL_GROUP_OPERATIONS
                : DescribeGroupsResponse.AUTHORIZED_OPERATIONS_OMITTED;
        ClassicGroup group = catalog.get(groupId);
        if (group == null || group.is(GroupState.DEAD)) {
            if (version >= 6) {
                return DescribeGroupsResponse.groupError(
                        groupId, Errors.GROUP_ID_NOT_FOUND, "group " + groupId + " does not exist");
            }
            return DescribeGroupsResponse.groupMetadata(
                    groupId, Errors.NONE, GroupState.DEAD.kafkaName(), "", "", List.of(), operations);
        }
        boolean stable = group.is(GroupState.STABLE);
        List<DescribedGroupMember> members = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            members.add(new DescribedGroupMember()
                    .setMemberId(m.memberId)
                    .setGroupInstanceId(m.groupInstanceId)
                    .setClientId(m.clientId)
                    .setClientHost(m.clientHost)
                    .setMemberMetadata(stable ? m.metadata(group.protocolName) : GroupMember.EMPTY_BYTES)
                    .setMemberAssignment(stable ? m.assignment : GroupMember.EMPTY_BYTES));
        }
        return DescribeGroupsResponse.groupMetadata(
                groupId,
                Errors.NONE,
                group.state().kafkaName(),
                group.protocolType == null ? "" : group.protocolType,
                stable ? group.protocolName : "",
                members,
                operations);
    }

    /**
     * Deletes empty groups with their offsets: the group is gone at once; the result of each waits for its
     * tombstones to be stored. A group with members is NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
     */
    CompletableFuture<List<DeletableGroupResult>> delete(List<String> groupIds) {
        Map<String, DeletableGroupResult> results = new LinkedHashMap<>();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (String groupId : groupIds) {
            DeletableGroupResult result = new DeletableGroupResult().setGroupId(groupId);
            results.put(groupId, result);
            Errors error = catalog.check(groupId, true);
            ClassicGroup group = error == Errors.NONE ? catalog.get(groupId) : null;
            if (error == Errors.NONE && (group == null || group.is(GroupState.DEAD))) {
                error = Errors.GROUP_ID_NOT_FOUND;
            } else if (error == Errors.NONE && !group.is(GroupState.EMPTY)) {
                error = Errors.NON_EMPTY_GROUP;
            }
            if (error != Errors.NONE) {
                result.setErrorCode(error.code());
                continue;
            }
            List<GroupRecord> tombstones = new ArrayList<>();
            // Commits still on their way are covered too: their records precede these tombstones in the log.
            group.offsetPartitionsIncludingPending()
                    .forEach(tp -> tombstones.add(new GroupRecord.OffsetCommit(groupId, tp, null)));
            tombstones.add(new GroupRecord.GroupMetadata(groupId, null));
            rebalance.abandon(group, Errors.COORDINATOR_NOT_AVAILABLE);
            catalog.remove(group);
            writes.add(writer.append(group.offsetsPartition, tombstones).thenAccept(outcome -> {
                if (!outcome.ok()) {
                    result.setErrorCode(
                            GroupWriter.forGroupMetadata(outcome.appendError()).code());
                }
            }));
        }
        return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> new ArrayList<>(results.values()));
    }
}
