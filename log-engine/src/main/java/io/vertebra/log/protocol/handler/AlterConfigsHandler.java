package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.ApiError;

/**
 * AlterConfigs (legacy, still used by AKHQ): the configs given for a resource replace its whole set of explicit
 * settings; a config left out returns to its default. Carried out by {@link ConfigAlterations}.
 */
public final class AlterConfigsHandler implements ApiHandler {
    private final ConfigAlterations alterations;

    public AlterConfigsHandler(ConfigAlterations alterations) {
        this.alterations = alterations;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        AlterConfigsRequestData data = ((AlterConfigsRequest) request).data();
        List<ConfigAlterations.Change> changes = new ArrayList<>();
        for (AlterConfigsRequestData.AlterConfigsResource resource : data.resources()) {
            List<ConfigAlterations.Op> ops = new ArrayList<>();
            for (AlterConfigsRequestData.AlterableConfig config : resource.configs()) {
                ops.add(new ConfigAlterations.Op(config.name(), OpType.SET, config.value()));
            }
            changes.add(
                    new ConfigAlterations.Change(resource.resourceType(), resource.resourceName(), true, ops, null));
        }
        return alterations
                .apply(changes, data.validateOnly(), context.principal())
                .thenApply(errors -> {
                    AlterConfigsResponseData response = new AlterConfigsResponseData();
                    for (int i = 0; i < changes.size(); i++) {
                        ApiError error = errors.get(i);
                        response.responses()
                                .add(new AlterConfigsResourceResponse()
                                        .setResourceType(changes.get(i).resourceType())
                                        .setResourceName(changes.get(i).resourceName())
                                        .setErrorCode(error.error().code())
                                        .setErrorMessage(error.isFailure() ? error.message() : null));
                    }
                    return new AlterConfigsResponse(response);
                });
    }
}
