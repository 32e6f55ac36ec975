package io.vertebra.log.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The requests of group members (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) under the classic protocol, as
 * Kafka's clients expect them. The rebalance itself (when it starts, when the join phase completes, what
 * happens on timeouts) is {@link Rebalance}'s job; this class validates each request against the group and
 * decides what it changes.
 *
 * <p>Called on the coordinator thread only. JoinGroup and SyncGroup return futures that stay open while the
 * rebalance runs; Heartbeat and LeaveGroup answer at once.
 */
final class GroupMembership {
    private final GroupCatalog catalog;
    private final Rebalance rebalance;
    private final StaticMemberRejoin staticRejoin;
    private final GroupCoordinatorConfig config;

    GroupMembership(GroupCatalog catalog, Rebalance rebalance, GroupCoordinatorConfig config) {
        this.catalog = catalog;
        this.rebalance = rebalance;
        this.staticRejoin = new StaticMemberRejoin(catalog, rebalance);
        this.config = config;
    }

    // -------------------------------------------------------------------------------------------- JoinGroup

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request, Requester requester) {
        CompletableFuture<JoinGroupResponseData> response = new CompletableFuture<>();
        String memberId = request.memberId();
        Errors error = catalog.check(request.groupId(), false);
        if (error == Errors.NONE
                && (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                        || request.sessionTimeoutMs() > config.maxSessionTimeoutMs())) {
            error = Errors.INVALID_SESSION_TIMEOUT;
        }
        if (error != Errors.NONE) {
            response.complete(Rebalance.joinError(memberId, error));
            return response;
        }
        List<GroupMember.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new GroupMember.Protocol(p.name(), p.metadata())));
        // v0 had no rebalance timeout: the session timeout bounded the rebalance.
        int rebalanceTimeoutMs = requester.apiVersion() == 0 || request.rebalanceTimeoutMs() <= 0
                ? request.sessionTimeoutMs()
                : request.rebalanceTimeoutMs();
        JoinRequest join = new JoinRequest(request, requester, protocols, rebalanceTimeoutMs, response);

        boolean unknownMember = memberId.isEmpty();
        ClassicGroup group = catalog.get(request.groupId());
        if (group == null) {
            if (!unknownMember) {
                response.complete(Rebalance.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
                return response;
            }
            group = catalog.create(request.groupId());
        }
        if (!acceptsJoiningMember(group, memberId)) {
            GroupMember member = group.member(memberId);
            if (member != null) {
                rebalance.removeMember(group, member, "group.max.size=" + config.maxGroupSize() + " reached");
            }
            response.complete(Rebalance.joinError("", Errors.GROUP_MAX_SIZE_REACHED));
        } else if (unknownMember) {
            joinNewMember(group, join);
        } else {
            joinKnownMember(group, join);
        }
        return response;
    }

    /**
     * Whether {@code group.max.size} lets {@code memberId} in. While rebalancing, members that already rejoined
     * are counted (the group may be over the size after the setting was lowered, and the last to rejoin are
     * the ones left out); otherwise all members.
     */
    private boolean acceptsJoiningMember(ClassicGroup group, String memberId) {
        switch (group.state()) {
            case EMPTY:
            case DEAD:
                return true;
            case PREPARING_REBALANCE:
                GroupMember member = group.member(memberId);
                return (member != null && member.isAwaitingJoin()) || group.awaitingJoinCount() < config.maxGroupSize();
            default:
                return group.hasMember(memberId) || group.members.size() < config.maxGroupSize();
        }
    }

    private void joinNewMember(ClassicGroup group, JoinRequest join) {
        JoinGroupRequestData request = join.request();
        String existingStaticId = group.staticMemberId(join.groupInstanceId());
        if (group.is(GroupState.DEAD)) {
            join.response().complete(Rebalance.joinError("", Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(request.protocolType(), join.protocols(), existingStaticId)) {
            join.response().complete(Rebalance.joinError("", Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        String prefix = join.groupInstanceId() != null
                ? join.groupInstanceId()
                : join.requester().clientId();
        String newMemberId = prefix + "-" + UUID.randomUUID();
        if (existingStaticId != null) {
            staticRejoin.rejoin(group, group.member(existingStaticId), newMemberId, join);
        } else if (join.groupInstanceId() == null && join.requester().apiVersion() >= 4) {
            // KIP-394: hand out the id first, so a client that never comes back leaves no member behind.
            rebalance.addPendingMember(group, newMemberId, request.sessionTimeoutMs());
            join.response().complete(Rebalance.joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
        } else {
            addMember(group, newMemberId, join);
        }
    }

    private void joinKnownMember(ClassicGroup group, JoinRequest join) {
        JoinGroupRequestData request = join.request();
        String memberId = join.memberId();
        if (group.is(GroupState.DEAD)) {
            join.response().complete(Rebalance.joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
            return;
        }
        if (!group.supportsProtocols(request.protocolType(), join.protocols(), memberId)) {
            join.response().complete(Rebalance.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
        }
        GroupScheduler.Cancellable pending = group.pendingMembers.remove(memberId);
        if (pending != null) {
            pending.cancel();
            addMember(group, memberId, join);
            return;
        }
        Errors invalid = validateMember(group, memberId, join.groupInstanceId());
        if (invalid != Errors.NONE) {
            join.response().complete(Rebalance.joinError(memberId, invalid));
            return;
        }
        GroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE:
                updateMemberAndRebalance(group, member, join, "member " + memberId + " rejoined");
                break;
            case COMPLETING_REBALANCE:
                if (member.hasSameProtocols(join.protocols())) {
                    // The member missed our JoinGroup response: answer again for the current generation.
                    join.response()
                            .complete(rebalance.joinResponse(
                                    group, member, group.isLeader(memberId) ? group.joinResponseMembers() : List.of()));
                } else {
                    updateMemberAndRebalance(group, member, join, "member " + memberId + " changed its metadata");
                }
                break;
            case STABLE:
                if (group.isLeader(memberId)) {
                    // The leader rejoins to rebalance for reasons the coordinator cannot see (topic metadata).
                    updateMemberAndRebalance(group, member, join, "leader " + memberId + " rejoined");
                } else if (!member.hasSameProtocols(join.protocols())) {
                    updateMemberAndRebalance(group, member, join, "member " + memberId + " changed its metadata");
                } else {
                    join.response().complete(rebalance.joinResponse(group, member, List.of()));
                }
                break;
            default:
                join.response().complete(Rebalance.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private void addMember(ClassicGroup group, String memberId, JoinRequest join) {
        JoinGroupRequestData request = join.request();
        GroupMember member = new GroupMember(
                memberId,
                join.groupInstanceId(),
                join.requester().clientId(),
                join.requester().clientHost(),
                request.protocolType(),
                join.rebalanceTimeoutMs(),
                request.sessionTimeoutMs(),
                join.protocols());
        member.isNew = true;
        member.supportsSkipAssignment = join.v9();
        member.awaitingJoin = join.response();
        group.add(member);
        // The session timeout cannot apply while the member waits for its JoinGroup answer (it cannot
        // heartbeat yet); bound the wait so a client that went away does not stay in the rebalance forever.
        rebalance.scheduleHeartbeatExpiry(group, member, config.newMemberJoinTimeoutMs());
        if (group.is(GroupState.PREPARING_REBALANCE) && group.initialRebalance) {
            group.newMemberAdded = true;
        }
        rebalance.maybePrepare(group, "member " + member + " joined");
    }

    private void updateMemberAndRebalance(ClassicGroup group, GroupMember member, JoinRequest join, String reason) {
        member.protocols = join.protocols();
        member.rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        member.sessionTimeoutMs = join.request().sessionTimeoutMs();
        member.supportsSkipAssignment = join.v9();
        if (member.awaitingJoin != null && member.awaitingJoin != join.response()) {
            // A second JoinGroup replaces the first, which the client has given up on.
            member.completeJoin(Rebalance.joinError(member.memberId, Errors.REBALANCE_IN_PROGRESS));
        }
        member.awaitingJoin = join.response();
        rebalance.maybePrepare(group, reason);
    }

    /**
     * NONE when {@code memberId} is a member; FENCED_INSTANCE_ID when {@code groupInstanceId} belongs to another
     * member id (a newer incarnation took over); UNKNOWN_MEMBER_ID otherwise.
     */
    static Errors validateMember(ClassicGroup group, String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = group.staticMemberId(groupInstanceId);
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            return current.equals(memberId) ? Errors.NONE : Errors.FENCED_INSTANCE_ID;
        }
        return group.hasMember(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    // -------------------------------------------------------------------------------------------- SyncGroup

    CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData request) {
        CompletableFuture<SyncGroupResponseData> response = new CompletableFuture<>();
        Errors error = catalog.check(request.groupId(), false);
        ClassicGroup group = error == Errors.NONE ? catalog.get(request.groupId()) : null;
        if (error == Errors.NONE) {
            error = validateSync(group, request);
        }
        if (error != Errors.NONE) {
            response.complete(new SyncGroupResponseData().setErrorCode(error.code()));
            return response;
        }
        String memberId = request.memberId();
        GroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE:
                response.complete(new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
                break;
            case COMPLETING_REBALANCE:
                if (member.awaitingSync != null) {
                    member.completeSync(new SyncGroupResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
                }
                member.awaitingSync = response;
                group.pendingSync.remove(memberId);
                if (group.isLeader(memberId)) {
                    Map<String, byte[]> assignments = new HashMap<>();
                    request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
                    rebalance.completeSync(group, assignments);
                }
                break;
            case STABLE:
                group.pendingSync.remove(memberId);
                rebalance.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
                response.complete(new SyncGroupResponseData()
                        .setProtocolType(group.protocolType)
                        .setProtocolName(group.protocolName)
                        .setAssignment(member.assignment));
                break;
            default:
                response.complete(new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        }
        return response;
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData request) {
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors invalid = validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != Errors.NONE) {
            return invalid;
        }
        if (request.generationId() != group.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        if ((request.protocolType() != null && !request.protocolType().equals(group.protocolType))
                || (request.protocolName() != null && !request.protocolName().equals(group.protocolName))) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    // -------------------------------------------------------------------------------------------- Heartbeat

    HeartbeatResponseData heartbeat(HeartbeatRequestData request) {
        Errors error = catalog.check(request.groupId(), false);
        ClassicGroup group = error == Errors.NONE ? catalog.get(request.groupId()) : null;
        if (error == Errors.NONE) {
            error = validateHeartbeat(group, request);
        }
        if (error == Errors.NONE) {
            GroupMember member = group.member(request.memberId());
            switch (group.state()) {
                case PREPARING_REBALANCE:
                    rebalance.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
                    error = Errors.REBALANCE_IN_PROGRESS;
                    break;
                case COMPLETING_REBALANCE:
                case STABLE:
                    // Clients heartbeat from their JoinGroup answer on, before they have synced.
                    rebalance.scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
                    break;
                default:
                    error = Errors.UNKNOWN_MEMBER_ID;
            }
        }
        return new HeartbeatResponseData().setErrorCode(error.code());
    }

    private static Errors validateHeartbeat(ClassicGroup group, HeartbeatRequestData request) {
        if (group == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors invalid = validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != Errors.NONE) {
            return invalid;
        }
        return request.generationId() == group.generationId ? Errors.NONE : Errors.ILLEGAL_GENERATION;
    }

    // ------------------------------------------------------------------------------------------- LeaveGroup

    /**
     * Removes members: each by member id, or (admin tools, KIP-345) a static member by instance id with an empty
     * member id. Each member gets its own error; the group rebalances once for all who left.
     */
    LeaveGroupResponseData leave(String groupId, List<MemberIdentity> leaving) {
        Errors error = catalog.check(groupId, false);
        ClassicGroup group = error == Errors.NONE ? catalog.get(groupId) : null;
        if (error == Errors.NONE && group == null) {
            error = Errors.UNKNOWN_MEMBER_ID;
        } else if (error == Errors.NONE && group.is(GroupState.DEAD)) {
            error = Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (error != Errors.NONE) {
            return new LeaveGroupResponseData().setErrorCode(error.code());
        }
        List<MemberResponse> responses = new ArrayList<>();
        List<String> left = new ArrayList<>();
        int pendingBefore = group.pendingMembers.size();
        for (MemberIdentity identity : leaving) {
            Errors memberError = leaveOne(group, identity, left);
            responses.add(new MemberResponse()
                    .setMemberId(identity.memberId())
                    .setGroupInstanceId(identity.groupInstanceId())
                    .setErrorCode(memberError.code()));
        }
        if (!left.isEmpty()) {
            rebalance.afterMembersRemoved(group, "members " + left + " left the group");
        } else if (group.pendingMembers.size() < pendingBefore) {
            rebalance.maybeCompleteJoin(group);
        }
        return new LeaveGroupResponseData().setMembers(responses);
    }

    /** Removes one leaving member; real members (not pending ids) are added to {@code left}. */
    private Errors leaveOne(ClassicGroup group, MemberIdentity identity, List<String> left) {
        String memberId = identity.memberId();
        String reason = identity.reason() == null ? "no reason given" : identity.reason();
        if (memberId.isEmpty()) {
            String staticId = group.staticMemberId(identity.groupInstanceId());
            if (staticId == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            rebalance.removeMember(group, group.member(staticId), "removed by instance id (" + reason + ")");
            left.add(staticId);
            return Errors.NONE;
        }
        GroupScheduler.Cancellable pending = group.pendingMembers.remove(memberId);
        if (pending != null) {
            pending.cancel();
            return Errors.NONE;
        }
        Errors invalid = validateMember(group, memberId, identity.groupInstanceId());
        if (invalid != Errors.NONE) {
            return invalid;
        }
        rebalance.removeMember(group, group.member(memberId), "left the group (" + reason + ")");
        left.add(memberId);
        return Errors.NONE;
    }
}
