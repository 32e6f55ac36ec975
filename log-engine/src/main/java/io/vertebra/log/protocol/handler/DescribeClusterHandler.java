package io.vertebra.log.protocol.handler;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;

/**
 * DescribeCluster: cluster id, controller and the brokers (live ones; fenced ones too when a v2 client asks).
 * This listener is a broker endpoint: a request for the controller endpoints gets UNSUPPORTED_ENDPOINT_TYPE, as
 * from a Kafka broker. Without an authorizer every cluster operation is allowed, which is what the authorized
 * operations say when asked for.
 */
public final class DescribeClusterHandler implements ApiHandler {
    static final byte BROKER_ENDPOINTS = 1;
    static final byte CONTROLLER_ENDPOINTS = 2;

    /** What Kafka allows on the cluster resource when nothing restricts it. */
    private static final int CLUSTER_OPERATIONS = bits(
            AclOperation.CREATE,
            AclOperation.CLUSTER_ACTION,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE,
            AclOperation.ALTER,
            AclOperation.DESCRIBE);

    private final Controller controller;
    private final IntSupplier controllerId;

    public DescribeClusterHandler(Controller controller, IntSupplier controllerId) {
        this.controller = controller;
        this.controllerId = controllerId;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        DescribeClusterRequestData data = ((DescribeClusterRequest) request).data();
        MetadataImage image = controller.image();
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setEndpointType(data.endpointType())
                .setClusterId(image.clusterId());
        if (data.endpointType() != BROKER_ENDPOINTS) {
            Errors error = data.endpointType() == CONTROLLER_ENDPOINTS
                    ? Errors.UNSUPPORTED_ENDPOINT_TYPE
                    : Errors.INVALID_REQUEST;
            return CompletableFuture.completedFuture(new DescribeClusterResponse(response.setErrorCode(error.code())
                    .setErrorMessage("this is a broker endpoint; endpoint type " + data.endpointType()
                            + " cannot be described here (1 = brokers)")));
        }
        response.setControllerId(controllerId.getAsInt());
        for (BrokerImage broker : image.brokers().values()) {
            if (broker.fenced() && !data.includeFencedBrokers()) {
                continue;
            }
            response.brokers()
                    .add(new DescribeClusterBroker()
                            .setBrokerId(broker.id())
                            .setHost(broker.host())
                            .setPort(broker.port())
                            .setRack(broker.rack())
                            .setIsFenced(broker.fenced()));
        }
        if (data.includeClusterAuthorizedOperations()) {
            response.setClusterAuthorizedOperations(CLUSTER_OPERATIONS);
        }
        return CompletableFuture.completedFuture(new DescribeClusterResponse(response));
    }

    static int bits(AclOperation... operations) {
        int bits = 0;
        for (AclOperation op : operations) {
            bits |= 1 << op.code();
        }
        return bits;
    }
}
