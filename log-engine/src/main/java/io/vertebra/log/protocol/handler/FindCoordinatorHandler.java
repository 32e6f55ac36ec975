package io.vertebra.log.protocol.handler;

import io.vertebra.log.group.GroupCoordinator;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.requests.FindCoordinatorResponse;

/**
 * FindCoordinator (v0-v6; several keys per request from v4): a group's coordinator is the leader of its
 * {@code __consumer_offsets} partition, created on first use (the answer waits for the creation instead of
 * sending the client round again). Transactions have no coordinator yet: COORDINATOR_NOT_AVAILABLE with a
 * message; share groups and unknown key types: INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler {
    private final GroupCoordinator coordinator;

    public FindCoordinatorHandler(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        FindCoordinatorRequestData data = ((FindCoordinatorRequest) request).data();
        short version = context.apiVersion();
        byte keyType = version == 0 ? CoordinatorType.GROUP.id() : data.keyType();
        List<String> keys =
                version >= FindCoordinatorRequest.MIN_BATCHED_VERSION ? data.coordinatorKeys() : List.of(data.key());
        List<CompletableFuture<Coordinator>> lookups = new ArrayList<>();
        for (String key : keys) {
            lookups.add(find(keyType, key));
        }
        return CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> {
                    FindCoordinatorResponseData response = new FindCoordinatorResponseData();
                    if (version >= FindCoordinatorRequest.MIN_BATCHED_VERSION) {
                        lookups.forEach(l -> response.coordinators().add(l.join()));
                    } else {
                        Coordinator c = lookups.get(0).join();
                        response.setErrorCode(c.errorCode())
                                .setErrorMessage(c.errorMessage())
                                .setNodeId(c.nodeId())
                                .setHost(c.host())
                                .setPort(c.port());
                    }
                    return new FindCoordinatorResponse(response);
                });
    }

    private CompletableFuture<Coordinator> find(byte keyType, String key) {
        if (keyType == CoordinatorType.GROUP.id()) {
            return coordinator.findCoordinator(key);
        }
        if (keyType == CoordinatorType.TRANSACTION.id()) {
            return CompletableFuture.completedFuture(error(
                    key,
                    Errors.COORDINATOR_NOT_AVAILABLE,
                    "transactions are not supported yet: there is no transaction coordinator for '" + key + "'"));
        }
        return CompletableFuture.completedFuture(error(
                key,
                Errors.INVALID_REQUEST,
                "coordinator key type " + keyType + " is not served here; only groups (key type "
                        + CoordinatorType.GROUP.id() + ") have a coordinator"));
    }

    private static Coordinator error(String key, Errors error, String message) {
        return new Coordinator()
                .setKey(key)
                .setNodeId(-1)
                .setHost("")
                .setPort(-1)
                .setErrorCode(error.code())
                .setErrorMessage(message);
    }
}
