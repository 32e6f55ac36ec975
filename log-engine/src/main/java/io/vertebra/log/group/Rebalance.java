package io.vertebra.log.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rebalance of a classic group and the timers around it.
 *
 * <ol>
 *   <li><b>Join phase</b> (PreparingRebalance): every member must send JoinGroup again; their requests are parked.
 *       It ends when all members and all pending member ids have joined, or when the longest rebalance timeout
 *       of the members expires (members that did not rejoin are removed, except static ones). The first
 *       rebalance of an empty group first waits {@code group.initial.rebalance.delay.ms}, extended while members
 *       keep arriving, so a group starting many consumers rebalances once.
 *   <li><b>Sync phase</b> (CompletingRebalance): a new generation with a protocol every member supports; the
 *       leader receives all members' metadata, computes the assignment and sends it in its SyncGroup; once the
 *       group's metadata with that assignment is stored, every parked SyncGroup gets its share and the group is
 *       Stable. Members that do not sync within the rebalance timeout are removed and the group rebalances.
 *   <li><b>Liveness</b>: a member that misses its session timeout is removed (members parked in a rebalance
 *       are exempt, except new ones, which have {@code newMemberJoinTimeoutMs}).
 * </ol>
 *
 * <p>Called on the coordinator thread only; timer tasks run there too and first check that the group and member
 * they were scheduled for are still current.
 */
final class Rebalance {
    private static final Logger log = LoggerFactory.getLogger(Rebalance.class);

    private final GroupCatalog catalog;
    private final GroupWriter writer;
    private final GroupScheduler scheduler;
    private final GroupCoordinatorConfig config;

    Rebalance(GroupCatalog catalog, GroupWriter writer, GroupScheduler scheduler, GroupCoordinatorConfig config) {
        this.catalog = catalog;
        this.writer = writer;
        this.scheduler = scheduler;
        this.config = config;
    }

    static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData()
                .setMemberId(memberId)
                .setGenerationId(-1)
                .setProtocolName(null)
                .setLeader("")
                .setErrorCode(error.code());
    }

    /** The JoinGroup answer for {@code member} in the current generation; the leader gets {@code members}. */
    JoinGroupResponseData joinResponse(ClassicGroup group, GroupMember member, List<JoinGroupResponseMember> members) {
        return new JoinGroupResponseData()
                .setMemberId(member.memberId)
                .setGenerationId(group.generationId)
                .setProtocolType(group.protocolType)
                .setProtocolName(group.protocolName)
                .setLeader(group.leaderId == null ? "" : group.leaderId)
                .setSkipAssignment(false)
                .setMembers(members);
    }

    // ---------------------------------------------------------------------------------------------- timers

    void scheduleHeartbeatExpiry(ClassicGroup group, GroupMember member, long timeoutMs) {
        member.cancelHeartbeatExpiry();
        member.heartbeatExpiry = scheduler.schedule(timeoutMs, () -> heartbeatExpired(group, member, timeoutMs));
    }

    private void heartbeatExpired(ClassicGroup group, GroupMember member, long timeoutMs) {
        if (!catalog.isCurrent(group) || group.member(member.memberId) != member || member.keptAliveByRebalance()) {
            return;
        }
        removeMember(
                group,
                member,
                member.isNew
                        ? "it did not complete its join within " + timeoutMs + " ms"
                        : "no heartbeat within its session timeout of " + timeoutMs + " ms");
        afterMembersRemoved(group, "member " + member + " expired");
    }

    /** A member id handed out with MEMBER_ID_REQUIRED: it must join with it within its session timeout. */
    void addPendingMember(ClassicGroup group, String memberId, long sessionTimeoutMs) {
        group.pendingMembers.put(memberId, scheduler.schedule(sessionTimeoutMs, () -> {
            if (catalog.isCurrent(group) && group.pendingMembers.remove(memberId) != null) {
                log.info(
                        "pending member {} of group {} did not join within {} ms",
                        memberId,
                        group.groupId,
                        sessionTimeoutMs);
                maybeCompleteJoin(group);
            }
        }));
    }

    private void scheduleJoinDeadline(ClassicGroup group, long delayMs, Runnable task) {
        cancelJoinDeadline(group);
        group.joinDeadline = scheduler.schedule(delayMs, () -> {
            if (catalog.isCurrent(group) && group.is(GroupState.PREPARING_REBALANCE)) {
                task.run();
            }
        });
    }

    private static void cancelJoinDeadline(ClassicGroup group) {
        if (group.joinDeadline != null) {
            group.joinDeadline.cancel();
            group.joinDeadline = null;
        }
    }

    private static void cancelSyncDeadline(ClassicGroup group) {
        if (group.syncDeadline != null) {
            group.syncDeadline.cancel();
            group.syncDeadline = null;
        }
        group.pendingSync.clear();
    }

    // ----------------------------------------------------------------------------------------- join phase

    /** Starts a rebalance unless one is running, in which case checks whether its join phase can end. */
    void maybePrepare(ClassicGroup group, String reason) {
        if (group.is(GroupState.PREPARING_REBALANCE)) {
            maybeCompleteJoin(group);
        } else if (!group.is(GroupState.DEAD)) {
            prepare(group, reason);
        }
    }

    /** Starts a rebalance: members awaiting their assignment are told to rejoin. */
    void prepare(ClassicGroup group, String reason) {
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            resetAndPropagateAssignment(group, Errors.REBALANCE_IN_PROGRESS);
        }
        cancelSyncDeadline(group);
        boolean initial = group.is(GroupState.EMPTY);
        group.transitionTo(GroupState.PREPARING_REBALANCE, scheduler.nowMs());
        log.info("preparing to rebalance group {} (generation {}): {}", group.groupId, group.generationId, reason);
        int delayMs = config.initialRebalanceDelayMs();
        if (initial && delayMs > 0) {
            group.initialRebalance = true;
            group.newMemberAdded = false;
            int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            scheduleJoinDeadline(group, delayMs, () -> initialDelayElapsed(group, delayMs, remainingMs));
            return;
        }
        group.initialRebalance = false;
        if (group.hasAllMembersJoined()) {
            completeJoin(group);
        } else {
            scheduleJoinDeadline(group, group.rebalanceTimeoutMs(), () -> completeJoin(group));
        }
    }

    private void initialDelayElapsed(ClassicGroup group, int delayMs, int remainingMs) {
        if (group.newMemberAdded && remainingMs > 0) {
            group.newMemberAdded = false;
            int nextDelayMs = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            int nextRemainingMs = Math.max(remainingMs - delayMs, 0);
            scheduleJoinDeadline(group, nextDelayMs, () -> initialDelayElapsed(group, nextDelayMs, nextRemainingMs));
        } else {
            group.initialRebalance = false;
            completeJoin(group);
        }
    }

    /** Ends the join phase early when every member has rejoined (not during the initial delay). */
    void maybeCompleteJoin(ClassicGroup group) {
        if (group.is(GroupState.PREPARING_REBALANCE) && !group.initialRebalance && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /**
     * Ends the join phase: removes dynamic members that did not rejoin, starts the next generation and answers
     * every parked JoinGroup (the leader's with all members' metadata). An empty group just moves on to Empty.
     */
    private void completeJoin(ClassicGroup group) {
        cancelJoinDeadline(group);
        for (GroupMember member : group.allMembers()) {
            if (!member.isAwaitingJoin() && !member.isStatic()) {
                removeMember(group, member, "it did not rejoin within the rebalance timeout");
            }
        }
        if (!group.members.isEmpty() && !group.electJoinedLeader()) {
            // Only static members that have not rejoined remain: wait for them (or for their sessions to expire).
            log.warn("group {} cannot complete its rebalance: no member rejoined", group.groupId);
            scheduleJoinDeadline(group, group.rebalanceTimeoutMs(), () -> completeJoin(group));
            return;
        }
        long now = scheduler.nowMs();
        group.generationId++;
        if (group.members.isEmpty()) {
            group.protocolName = null;
            group.transitionTo(GroupState.EMPTY, now);
            log.info("group {} is empty at generation {}", group.groupId, group.generationId);
            storeGroup(group, Map.of()).thenAccept(error -> {
                if (error != Errors.NONE) {
                    log.warn("cannot store the empty generation of group {}: {}", group.groupId, error);
                }
            });
            return;
        }
        group.protocolName = group.selectProtocol();
        group.transitionTo(GroupState.COMPLETING_REBALANCE, now);
        log.info(
                "group {} generation {}: {} member(s), protocol {}, leader {}",
                group.groupId,
                group.generationId,
                group.members.size(),
                group.protocolName,
                group.leaderId);
        for (GroupMember member : group.allMembers()) {
            List<JoinGroupResponseMember> members =
                    group.isLeader(member.memberId) ? group.joinResponseMembers() : List.of();
            member.completeJoin(joinResponse(group, member, members));
            member.isNew = false;
            scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
            group.pendingSync.add(member.memberId);
        }
        int generation = group.generationId;
        group.syncDeadline = scheduler.schedule(group.rebalanceTimeoutMs(), () -> syncExpired(group, generation));
    }

    // ----------------------------------------------------------------------------------------- sync phase

    /** The leader's SyncGroup: stores the assignment, then hands every member its share. */
    void completeSync(ClassicGroup group, Map<String, byte[]> leaderAssignments) {
        Map<String, byte[]> assignments = new HashMap<>();
        for (GroupMember member : group.allMembers()) {
            assignments.put(member.memberId, leaderAssignments.getOrDefault(member.memberId, GroupMember.EMPTY_BYTES));
        }
        int generation = group.generationId;
        storeGroup(group, assignments).thenAccept(error -> {
            if (!catalog.isCurrent(group)
                    || !group.is(GroupState.COMPLETING_REBALANCE)
                    || group.generationId != generation) {
                return; // the group moved on while the assignment was being stored
            }
            if (error != Errors.NONE) {
                resetAndPropagateAssignment(group, error);
                maybePrepare(group, "storing the assignment failed with " + error);
                return;
            }
            for (GroupMember member : group.allMembers()) {
                member.assignment = assignments.getOrDefault(member.memberId, GroupMember.EMPTY_BYTES);
            }
            propagateAssignment(group, Errors.NONE);
            group.transitionTo(GroupState.STABLE, scheduler.nowMs());
        });
    }

    private void syncExpired(ClassicGroup group, int generation) {
        if (!catalog.isCurrent(group) || group.generationId != generation || group.pendingSync.isEmpty()) {
            return;
        }
        if (!group.is(GroupState.COMPLETING_REBALANCE) && !group.is(GroupState.STABLE)) {
            return;
        }
        List<String> missing = List.copyOf(group.pendingSync);
        for (String memberId : missing) {
            GroupMember member = group.member(memberId);
            if (member != null) {
                removeMember(group, member, "it did not send SyncGroup within the rebalance timeout");
            }
        }
        prepare(group, "members " + missing + " did not sync");
    }

    private void resetAndPropagateAssignment(ClassicGroup group, Errors error) {
        group.members.values().forEach(m -> m.assignment = GroupMember.EMPTY_BYTES);
        propagateAssignment(group, error);
    }

    private void propagateAssignment(ClassicGroup group, Errors error) {
        for (GroupMember member : group.allMembers()) {
            SyncGroupResponseData response =
                    new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(member.assignment);
            if (error == Errors.NONE) {
                response.setProtocolType(group.protocolType).setProtocolName(group.protocolName);
            }
            if (member.completeSync(response)) {
                // Its session clock restarts now: it could not heartbeat usefully while it waited.
                scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
            }
        }
    }

    /** Stores the group's metadata with {@code assignments}; the future (coordinator thread) gives the error. */
    CompletableFuture<Errors> storeGroup(ClassicGroup group, Map<String, byte[]> assignments) {
        GroupRecord record = new GroupRecord.GroupMetadata(group.groupId, group.toValue(assignments));
        return writer.append(group.offsetsPartition, List.of(record))
                .thenApply(outcome -> GroupWriter.forGroupMetadata(outcome.appendError()));
    }

    // ----------------------------------------------------------------------------------- member removal

    /** Removes {@code member}, answering its parked requests with UNKNOWN_MEMBER_ID so a live client rejoins. */
    void removeMember(ClassicGroup group, GroupMember member, String reason) {
        log.info("removing member {} from group {}: {}", member, group.groupId, reason);
        member.cancelHeartbeatExpiry();
        member.completeJoin(joinError("", Errors.UNKNOWN_MEMBER_ID));
        member.completeSync(new SyncGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
        group.remove(member.memberId);
    }

    /** After members were removed: a settled group rebalances, a rebalancing one may now complete its join. */
    void afterMembersRemoved(ClassicGroup group, String reason) {
        switch (group.state()) {
            case STABLE:
            case COMPLETING_REBALANCE:
                prepare(group, reason);
                break;
            case PREPARING_REBALANCE:
                maybeCompleteJoin(group);
                break;
            default:
                break;
        }
    }

    // ---------------------------------------------------------------------------------- load and unload

    /** A group just loaded from the log: its members must heartbeat within their session timeouts. */
    void resume(ClassicGroup group) {
        for (GroupMember member : group.allMembers()) {
            scheduleHeartbeatExpiry(group, member, member.sessionTimeoutMs);
        }
    }

    /**
     * Settles everything a group has parked or scheduled before it is forgotten (leadership moved, or the
     * group was deleted): parked requests get {@code error}, timers are cancelled.
     */
    void abandon(ClassicGroup group, Errors error) {
        cancelJoinDeadline(group);
        cancelSyncDeadline(group);
        group.pendingMembers.values().forEach(GroupScheduler.Cancellable::cancel);
        group.pendingMembers.clear();
        for (GroupMember member : group.allMembers()) {
            member.cancelHeartbeatExpiry();
            member.completeJoin(joinError(member.memberId, error));
            member.completeSync(new SyncGroupResponseData().setErrorCode(error.code()));
        }
    }
}
