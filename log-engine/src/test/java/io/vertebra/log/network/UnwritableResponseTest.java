package io.vertebra.log.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.LogCapture;
import io.vertebra.log.RawKafkaSocket;
import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.protocol.handler.ApiVersionsHandler;
import io.vertebra.log.security.ListenerSecurity;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;

/**
 * A handler bug — a response field set that the request's version cannot carry — reaches the client as an
 * error answer at that version (UNKNOWN_SERVER_ERROR), not as a closed connection that a client takes for a
 * network failure and retries forever; the node log names the API and version at ERROR.
 */
class UnwritableResponseTest {
    @Test
    void aResponseTheVersionCannotCarryBecomesUnknownServerError() throws Exception {
        RequestDispatcher dispatcher = new RequestDispatcher();
        ApiVersionsHandler apiVersions = new ApiVersionsHandler(dispatcher::supportedApis, () -> 0);
        dispatcher.register(ApiKeys.API_VERSIONS, apiVersions);
        dispatcher.register(ApiKeys.LIST_OFFSETS, (context, request) -> {
            ListOffsetsResponseData data = new ListOffsetsResponseData();
            data.topics()
                    .add(new ListOffsetsResponseData.ListOffsetsTopicResponse()
                            .setName("t")
                            .setPartitions(java.util.List.of(new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                                    .setPartitionIndex(0)
                                    .setOffset(5)
                                    .setLeaderEpoch(3)))); // v4+ only
            return CompletableFuture.<AbstractResponse>completedFuture(new ListOffsetsResponse(data));
        });
        RequestObserver ignore = new RequestObserver() {
            @Override
            public void onResponse(RequestHeader header, long receivedNs, AbstractResponse response) {}

            @Override
            public void onAuthentication(String mechanism, boolean succeeded) {}
        };
        ListenerSecurity security = ListenerSecurity.from(new BrokerConfig(Map.of()));
        try (LogCapture logs = LogCapture.start();
                KafkaListener listener = KafkaListener.start(
                        new KafkaListener.Settings("127.0.0.1", 0, 1, 1 << 20, 0, security, ignore),
                        dispatcher,
                        apiVersions);
                RawKafkaSocket socket = RawKafkaSocket.connect("127.0.0.1:" + listener.port())) {
            ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1);
            request.topics()
                    .add(new ListOffsetsRequestData.ListOffsetsTopic()
                            .setName("t")
                            .setPartitions(java.util.List.of(
                                    new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0))));
            ListOffsetsResponse v1 = (ListOffsetsResponse) socket.send(request, (short) 1);
            assertEquals(Map.of(Errors.UNKNOWN_SERVER_ERROR, 1), v1.errorCounts());
            ListOffsetsResponse v4 = (ListOffsetsResponse) socket.send(request, (short) 4);
            assertEquals(3, v4.data().topics().get(0).partitions().get(0).leaderEpoch(), "same connection, v4");
            assertTrue(
                    logs.linesContaining("cannot write a LIST_OFFSETS v1 response")
                                    .size()
                            == 1,
                    "logged once: " + logs.lines());
            socket.send(MetadataRequest.Builder.allTopics().build((short) 12));
        }
    }
}
