package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;

/**
 * IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on a topic's overrides or on the cluster-wide
 * dynamic broker defaults (BROKER resource {@code ""}, what {@code kafka-configs --entity-default} sends).
 * Carried out by {@link ConfigAlterations}.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler {
    private final ConfigAlterations alterations;

    public IncrementalAlterConfigsHandler(ConfigAlterations alterations) {
        this.alterations = alterations;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        IncrementalAlterConfigsRequestData data = ((IncrementalAlterConfigsRequest) request).data();
        List<ConfigAlterations.Change> changes = new ArrayList<>();
        for (IncrementalAlterConfigsRequestData.AlterConfigsResource resource : data.resources()) {
            List<ConfigAlterations.Op> ops = new ArrayList<>();
            String opProblem = null;
            for (IncrementalAlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                OpType type = OpType.forId(config.configOperation());
                if (type == null) {
                    opProblem = "unknown operation " + config.configOperation() + " on config '" + config.name()
                            + "' (0 SET, 1 DELETE, 2 APPEND, 3 SUBTRACT)";
                    break;
                }
                ops.add(new ConfigAlterations.Op(config.name(), type, config.value()));
            }
            changes.add(new ConfigAlterations.Change(
                    resource.resourceType(), resource.resourceName(), false, ops, opProblem));
        }
        return alterations
                .apply(changes, data.validateOnly(), context.principal())
                .thenApply(errors -> {
                    IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
                    for (int i = 0; i < changes.size(); i++) {
                        ApiError error = errors.get(i);
                        response.responses()
                                .add(new AlterConfigsResourceResponse()
                                        .setResourceType(changes.get(i).resourceType())
                                        .setResourceName(changes.get(i).resourceName())
                                        .setErrorCode(error.error().code())
                                        .setErrorMessage(error.isFailure() ? error.message() : null));
                    }
                    return new IncrementalAlterConfigsResponse(response);
                });
    }
}
