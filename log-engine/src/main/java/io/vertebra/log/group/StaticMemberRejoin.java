package io.vertebra.log.group;

import java.util.List;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KIP-345 static membership: a member with a {@code group.instance.id} that restarts comes back without its
 * member id, gets a new one and takes its old place. Called by {@link GroupMembership} on the coordinator thread.
 */
final class StaticMemberRejoin {
    private static final Logger log = LoggerFactory.getLogger(StaticMemberRejoin.class);

    private final GroupCatalog catalog;
    private final Rebalance rebalance;

    StaticMemberRejoin(GroupCatalog catalog, Rebalance rebalance) {
        this.catalog = catalog;
        this.rebalance = rebalance;
    }

    /**
     * KIP-345: a static member came back (its {@code group.instance.id} is known) without its member id. It takes
     * the old member's place and assignment; the old incarnation is fenced. In a Stable group whose protocol
     * stays the same this needs no rebalance, only storing the new member id.
     */
    void rejoin(ClassicGroup group, GroupMember old, String newMemberId, JoinRequest join) {
        String oldLeader = group.leaderId;
        GroupMember replacement = old.withMemberId(newMemberId);
        old.completeJoin(Rebalance.joinError(old.memberId, Errors.FENCED_INSTANCE_ID));
        old.completeSync(new SyncGroupResponseData().setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        old.cancelHeartbeatExpiry();
        group.replaceStatic(old, replacement);
        log.info(
                "static member {} of group {} rejoined as {} (was {})",
                join.groupInstanceId(),
                group.groupId,
                newMemberId,
                old.memberId);
        rebalance.scheduleHeartbeatExpiry(group, replacement, replacement.sessionTimeoutMs);

        List<GroupMember.Protocol> oldProtocols = replacement.protocols;
        int oldRebalanceTimeoutMs = replacement.rebalanceTimeoutMs;
        int oldSessionTimeoutMs = replacement.sessionTimeoutMs;
        replacement.protocols = join.protocols();
        replacement.rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        replacement.sessionTimeoutMs = join.request().sessionTimeoutMs();
        replacement.supportsSkipAssignment = join.v9();
        replacement.awaitingJoin = join.response();

        switch (group.state()) {
            case STABLE:
                if (!group.selectProtocol().equals(group.protocolName)) {
                    rebalance.prepare(group, "static member " + replacement + " changed the group's protocol");
                    return;
                }
                int generation = group.generationId;
                rebalance.storeGroup(group, group.currentAssignments()).thenAccept(error -> {
                    if (replacement.awaitingJoin != join.response()) {
                        return; // a rebalance or another join settled this request meanwhile
                    }
                    if (error != Errors.NONE) {
                        if (catalog.isCurrent(group) && group.member(newMemberId) == replacement) {
                            GroupMember restored = replacement.withMemberId(old.memberId);
                            restored.protocols = oldProtocols;
                            restored.rebalanceTimeoutMs = oldRebalanceTimeoutMs;
                            restored.sessionTimeoutMs = oldSessionTimeoutMs;
                            replacement.cancelHeartbeatExpiry();
                            group.replaceStatic(replacement, restored);
                            rebalance.scheduleHeartbeatExpiry(group, restored, restored.sessionTimeoutMs);
                        }
                        replacement.completeJoin(Rebalance.joinError("", error));
                    } else if (group.generationId == generation && replacement.supportsSkipAssignment) {
                        // KIP-814: a returning static leader learns it leads but keeps the current assignment.
                        boolean leads = group.isLeader(newMemberId);
                        replacement.completeJoin(rebalance
                                .joinResponse(group, replacement, leads ? group.joinResponseMembers() : List.of())
                                .setSkipAssignment(leads));
                    } else {
                        // Older clients: name the previous leader, so the member does not compute an assignment
                        // that a Stable group would never hand out.
                        replacement.completeJoin(rebalance
                                .joinResponse(group, replacement, List.of())
                                .setLeader(oldLeader));
                    }
                });
                break;
            case COMPLETING_REBALANCE:
                // The leader may be assigning to the old member id: start over so the new id gets its share.
                rebalance.prepare(group, "static member " + replacement + " rejoined during the sync phase");
                break;
            case PREPARING_REBALANCE:
                rebalance.maybeCompleteJoin(group);
                break;
            default:
                throw new IllegalStateException(group + " has static member " + old + " but is "
                        + group.state().kafkaName());
        }
    }
}
