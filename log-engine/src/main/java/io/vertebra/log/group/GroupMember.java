package io.vertebra.log.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * One member of a classic group: who it is, the protocols it supports (with their metadata bytes, opaque to the
 * broker), its timeouts, the assignment the leader gave it, and the JoinGroup/SyncGroup requests it has parked.
 * Mutable; touched only on the coordinator thread.
 */
final class GroupMember {
    static final byte[] EMPTY_BYTES = new byte[0];

    /** One protocol a member supports, e.g. "range" with its subscription bytes. */
    record Protocol(String name, byte[] metadata) {
        boolean sameAs(Protocol other) {
            return name.equals(other.name) && Arrays.equals(metadata, other.metadata);
        }
    }

    final String memberId;
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    final String protocolType;
    int rebalanceTimeoutMs;
    int sessionTimeoutMs;
    List<Protocol> protocols;
    byte[] assignment = EMPTY_BYTES;
    /** True from the first JoinGroup until the rebalance it joined completes: such a member may expire. */
    boolean isNew;
    /** Whether the member's JoinGroup version lets the coordinator ask it to skip assignment (v9+). */
    boolean supportsSkipAssignment;

    CompletableFuture<JoinGroupResponseData> awaitingJoin;
    CompletableFuture<SyncGroupResponseData> awaitingSync;
    GroupScheduler.Cancellable heartbeatExpiry;

    GroupMember(
            String memberId,
            String groupInstanceId,
            String clientId,
            String clientHost,
            String protocolType,
            int rebalanceTimeoutMs,
            int sessionTimeoutMs,
            List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.protocolType = protocolType;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** A copy under a new member id (a static member that rejoined), keeping metadata and assignment. */
    GroupMember withMemberId(String newMemberId) {
        GroupMember copy = new GroupMember(
                newMemberId,
                groupInstanceId,
                clientId,
                clientHost,
                protocolType,
                rebalanceTimeoutMs,
                sessionTimeoutMs,
                protocols);
        copy.assignment = assignment;
        copy.supportsSkipAssignment = supportsSkipAssignment;
        return copy;
    }

    boolean isStatic() {
        return groupInstanceId != null;
    }

    boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    /**
     * Whether a missed heartbeat deadline may be forgiven: members parked in a rebalance cannot heartbeat (the
     * rebalance and sync timeouts bound them instead), except new members, which time out while they wait.
     */
    boolean keptAliveByRebalance() {
        return !isNew && (isAwaitingJoin() || isAwaitingSync());
    }

    /** True when {@code other} lists the same protocols, in the same order, with the same metadata. */
    boolean hasSameProtocols(List<Protocol> other) {
        if (other.size() != protocols.size()) {
            return false;
        }
        for (int i = 0; i < other.size(); i++) {
            if (!protocols.get(i).sameAs(other.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The metadata this member sent for {@code protocolName}, or empty bytes. */
    byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name().equals(protocolName)) {
                return p.metadata();
            }
        }
        return EMPTY_BYTES;
    }

    List<String> protocolNames() {
        List<String> names = new ArrayList<>(protocols.size());
        protocols.forEach(p -> names.add(p.name()));
        return names;
    }

    /** This member's most preferred protocol among {@code candidates}; null when none. */
    String vote(Set<String> candidates) {
        for (Protocol p : protocols) {
            if (candidates.contains(p.name())) {
                return p.name();
            }
        }
        return null;
    }

    /** Completes the parked JoinGroup, if any; returns whether there was one. */
    boolean completeJoin(JoinGroupResponseData response) {
        CompletableFuture<JoinGroupResponseData> future = awaitingJoin;
        awaitingJoin = null;
        if (future == null) {
            return false;
        }
        future.complete(response);
        return true;
    }

    /** Completes the parked SyncGroup, if any; returns whether there was one. */
    boolean completeSync(SyncGroupResponseData response) {
        CompletableFuture<SyncGroupResponseData> future = awaitingSync;
        awaitingSync = null;
        if (future == null) {
            return false;
        }
        future.complete(response);
        return true;
    }

    void cancelHeartbeatExpiry() {
        if (heartbeatExpiry != null) {
            heartbeatExpiry.cancel();
            heartbeatExpiry = null;
        }
    }

    @Override
    public String toString() {
        return memberId + (groupInstanceId == null ? "" : " (instance " + groupInstanceId + ")");
    }
}
