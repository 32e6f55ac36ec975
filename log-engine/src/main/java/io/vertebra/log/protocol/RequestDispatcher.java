package io.vertebra.log.protocol;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestAndSize;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses a request frame with kafka-clients' generated message classes and routes it to the handler of its
 * API. A request this broker cannot parse at all (garbage, an API key no Kafka version knows) ends the
 * connection: there is no correlation id to answer to. A known API that this broker does not serve is answered
 * with UNSUPPORTED_VERSION (SECURITY_DISABLED for the ACL APIs, as Kafka does without an authorizer).
 */
public final class RequestDispatcher {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    private static final Set<ApiKeys> ACL_APIS =
            Set.of(ApiKeys.DESCRIBE_ACLS, ApiKeys.CREATE_ACLS, ApiKeys.DELETE_ACLS);

    private final Map<ApiKeys, ApiHandler> handlers = new EnumMap<>(ApiKeys.class);

    public void register(ApiKeys api, ApiHandler handler) {
        handlers.put(api, handler);
    }

    public Set<ApiKeys> supportedApis() {
        return handlers.keySet();
    }

    /** A request parsed from a frame, or the reason it could not be. */
    public record Parsed(RequestHeader header, AbstractRequest request, String problem) {}

    /** Parses a whole frame (without its size prefix). */
    public static Parsed parse(ByteBuffer frame) {
        RequestHeader header;
        try {
            header = RequestHeader.parse(frame);
        } catch (RuntimeException e) {
            return new Parsed(null, null, "unparseable request header: " + e.getMessage());
        }
        try {
            RequestAndSize parsed =
                    AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(), new ByteBufferAccessor(frame));
            return new Parsed(header, parsed.request, null);
        } catch (RuntimeException e) {
            return new Parsed(
                    header,
                    null,
                    "unparseable " + header.apiKey() + " v" + header.apiVersion() + " request body: " + e.getMessage());
        }
    }

    /**
     * Serves a parsed request. The future completes with the response to send (never exceptionally: failures
     * become error responses).
     */
    public CompletableFuture<AbstractResponse> dispatch(RequestContext context, AbstractRequest request) {
        ApiHandler handler = handlers.get(context.apiKey());
        if (handler == null) {
            ApiException error = ACL_APIS.contains(context.apiKey())
                    ? new SecurityDisabledException("no authorizer is configured on this broker")
                    : new UnsupportedVersionException("this broker does not support " + context.apiKey());
            return CompletableFuture.completedFuture(request.getErrorResponse(error));
        }
        CompletableFuture<AbstractResponse> result;
        try {
            result = handler.handle(context, request);
        } catch (Throwable t) {
            return CompletableFuture.completedFuture(errorResponse(context, request, t));
        }
        return result.exceptionally(t -> errorResponse(context, request, t));
    }

    private static AbstractResponse errorResponse(RequestContext context, AbstractRequest request, Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
        if (!(cause instanceof ApiException)) {
            log.error(
                    "error serving {} v{} from {} (client {})",
                    context.apiKey(),
                    context.apiVersion(),
                    context.connectionId(),
                    context.clientId(),
                    cause);
        }
        return request.getErrorResponse(cause);
    }

    /** The response as bytes to write, with its header. */
    public static Send toSend(RequestHeader header, AbstractResponse response) {
        return response.toSend(header.toResponseHeader(), header.apiVersion());
    }
}
