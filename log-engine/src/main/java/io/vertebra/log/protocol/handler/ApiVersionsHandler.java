package io.vertebra.log.protocol.handler;

import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKeyCollection;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKeyCollection;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * ApiVersions: the APIs this broker serves, each with the full version range kafka-clients 4.3 knows (so
 * version-guessing tools see a Kafka 4.3 broker), and the {@code metadata.version} feature finalized at 4.3's
 * level.
 */
public final class ApiVersionsHandler implements ApiHandler {
    /** metadata.version feature levels of Apache Kafka 4.3 (MINIMUM 3.3-IV3 = 7, LATEST_PRODUCTION 4.3-IV0 = 30). */
    static final short METADATA_VERSION_MIN = 7;

    static final short METADATA_VERSION = 30;

    private final Supplier<Set<ApiKeys>> supported;
    private final LongSupplier featuresEpoch;

    public ApiVersionsHandler(Supplier<Set<ApiKeys>> supported, LongSupplier featuresEpoch) {
        this.supported = supported;
        this.featuresEpoch = featuresEpoch;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        ApiVersionsRequest apiVersionsRequest = (ApiVersionsRequest) request;
        if (!apiVersionsRequest.isValid()) {
            // v3+: a client software name or version outside [a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?, as Kafka
            return CompletableFuture.completedFuture(apiVersionsRequest.getErrorResponse(
                    0, Errors.INVALID_REQUEST.exception("invalid client software name or version")));
        }
        return CompletableFuture.completedFuture(new ApiVersionsResponse(data(Errors.NONE)));
    }

    private ApiVersionsResponseData data(Errors error) {
        ApiVersionCollection apis = new ApiVersionCollection();
        for (ApiKeys key : supported.get()) {
            apis.add(new ApiVersion()
                    .setApiKey(key.id)
                    .setMinVersion(key.oldestVersion())
                    .setMaxVersion(key.latestVersion()));
        }
        SupportedFeatureKeyCollection supportedFeatures = new SupportedFeatureKeyCollection();
        supportedFeatures.add(new SupportedFeatureKey()
                .setName("metadata.version")
                .setMinVersion(METADATA_VERSION_MIN)
                .setMaxVersion(METADATA_VERSION));
        FinalizedFeatureKeyCollection finalized = new FinalizedFeatureKeyCollection();
        finalized.add(new FinalizedFeatureKey()
                .setName("metadata.version")
                .setMinVersionLevel(METADATA_VERSION)
                .setMaxVersionLevel(METADATA_VERSION));
        return new ApiVersionsResponseData()
                .setErrorCode(error.code())
                .setApiKeys(apis)
                .setSupportedFeatures(supportedFeatures)
                .setFinalizedFeatures(finalized)
                .setFinalizedFeaturesEpoch(Math.max(0, featuresEpoch.getAsLong()));
    }

    /**
     * The answer to an ApiVersions request of a version newer than we know: v0 with UNSUPPORTED_VERSION and our
     * API list, so the client retries with a version we support (KIP-511).
     */
    public Send unsupportedVersionSend(int correlationId) {
        ApiVersionsResponse response = new ApiVersionsResponse(data(Errors.UNSUPPORTED_VERSION));
        return response.toSend(new ResponseHeader(correlationId, (short) 0), (short) 0);
    }
}
