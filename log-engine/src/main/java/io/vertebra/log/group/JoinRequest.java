package io.vertebra.log.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;

/**
 * A JoinGroup as the coordinator sees it, whatever the request version: the protocols it offers, its rebalance
 * timeout (the session timeout for v0, which had none) and the future its answer goes to.
 */
record JoinRequest(
        JoinGroupRequestData request,
        Requester requester,
        List<GroupMember.Protocol> protocols,
        int rebalanceTimeoutMs,
        CompletableFuture<JoinGroupResponseData> response) {
    String memberId() {
        return request.memberId();
    }

    String groupInstanceId() {
        return request.groupInstanceId();
    }

    /** Whether the client understands "skip assignment" (JoinGroup v9+, KIP-814). */
    boolean v9() {
        return requester.apiVersion() >= 9;
    }
}
