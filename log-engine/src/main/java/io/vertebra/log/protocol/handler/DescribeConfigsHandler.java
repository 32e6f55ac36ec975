package io.vertebra.log.protocol.handler;

import io.vertebra.log.controller.Controller;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * DescribeConfigs for TOPIC resources (every topic setting with value, source and synonyms, see
 * {@link TopicConfigsDescriber}), BROKER resources (this broker's id: every broker setting; {@code ""}: the
 * dynamic cluster-wide defaults, see {@link BrokerConfigsDescriber}) and BROKER_LOGGER (answered with no
 * entries: log levels are not exposed over the Kafka protocol). Each resource succeeds or fails on its own.
 * Answers from one metadata image, at once.
 */
public final class DescribeConfigsHandler implements ApiHandler {
    private final Controller controller;
    private final TopicConfigsDescriber topicConfigs;
    private final BrokerConfigsDescriber brokerConfigs;
    private final DynamicBrokerConfigs dynamicBrokerConfigs;

    public DescribeConfigsHandler(
            Controller controller,
            TopicConfigsDescriber topicConfigs,
            BrokerConfigsDescriber brokerConfigs,
            DynamicBrokerConfigs dynamicBrokerConfigs) {
        this.controller = controller;
        this.topicConfigs = topicConfigs;
        this.brokerConfigs = brokerConfigs;
        this.dynamicBrokerConfigs = dynamicBrokerConfigs;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        DescribeConfigsRequestData data = ((DescribeConfigsRequest) request).data();
        MetadataImage image = controller.image();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult()
                    .setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            try {
                describe(image, resource, data, result);
            } catch (ApiException e) {
                ApiError error = ApiError.fromThrowable(e);
                result.setErrorCode(error.error().code()).setErrorMessage(error.message());
                result.configs().clear();
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(new DescribeConfigsResponse(response));
    }

    private void describe(
            MetadataImage image,
            DescribeConfigsResource resource,
            DescribeConfigsRequestData data,
            DescribeConfigsResult result) {
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        String name = resource.resourceName();
        switch (type) {
            case TOPIC -> {
                Controller.validateTopicName(name);
                TopicImage topic = image.topic(name);
                if (topic == null) {
                    throw new UnknownTopicOrPartitionException("topic '" + name + "' does not exist");
                }
                topicConfigs.describeInto(
                        topic,
                        resource.configurationKeys(),
                        data.includeSynonyms(),
                        data.includeDocumentation(),
                        result);
            }
            case BROKER ->
                result.setConfigs(brokerConfigs.describe(
                        image.brokerConfigs(),
                        dynamicBrokerConfigs.isClusterDefault(name),
                        resource.configurationKeys(),
                        data.includeSynonyms(),
                        data.includeDocumentation()));
            case BROKER_LOGGER -> dynamicBrokerConfigs.isClusterDefault(name);
            default ->
                throw new InvalidRequestException("cannot describe configs of resource type " + type + " ("
                        + resource.resourceType() + "); TOPIC, BROKER and BROKER_LOGGER resources can be described");
        }
        result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
    }
}
