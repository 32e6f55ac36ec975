package io.vertebra.log.protocol;

import static io.vertebra.log.protocol.VersionFixture.FIRST_TIMESTAMP;
import static io.vertebra.log.protocol.VersionFixture.RECORDS;
import static io.vertebra.log.protocol.VersionFixture.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.log.RawKafkaSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/** The APIs of producing and consuming: ApiVersions, Metadata, Produce, Fetch, ListOffsets, coordinators. */
final class DataPathCases {
    private DataPathCases() {}

    static Map<ApiKeys, VersionCase> all() {
        Map<ApiKeys, VersionCase> cases = new EnumMap<>(ApiKeys.class);
        cases.put(ApiKeys.API_VERSIONS, DataPathCases::apiVersions);
        cases.put(ApiKeys.METADATA, DataPathCases::metadata);
        cases.put(ApiKeys.PRODUCE, DataPathCases::produce);
        cases.put(ApiKeys.FETCH, DataPathCases::fetch);
        cases.put(ApiKeys.LIST_OFFSETS, DataPathCases::listOffsets);
        cases.put(ApiKeys.FIND_COORDINATOR, DataPathCases::findCoordinator);
        cases.put(ApiKeys.INIT_PRODUCER_ID, DataPathCases::initProducerId);
        cases.put(ApiKeys.SASL_HANDSHAKE, DataPathCases::saslHandshake);
        cases.put(ApiKeys.SASL_AUTHENTICATE, DataPathCases::saslAuthenticate);
        return cases;
    }

    private static void apiVersions(VersionFixture f, RawKafkaSocket socket, short v) {
        ApiVersionsRequestData request = new ApiVersionsRequestData();
        if (v >= 3) {
            request.setClientSoftwareName("version-walk").setClientSoftwareVersion("1.0");
        }
        ApiVersionsResponseData data = ((ApiVersionsResponse) socket.send(request, v)).data();
        assertEquals(Errors.NONE.code(), data.errorCode());
        ApiVersionsResponseData.ApiVersion produce = data.apiKeys().find(ApiKeys.PRODUCE.id);
        assertNotNull(produce, "Produce advertised");
        assertEquals(ApiKeys.PRODUCE.latestVersion(), produce.maxVersion());
        if (v >= 3) {
            assertNotNull(data.finalizedFeatures().find("metadata.version"), "metadata.version finalized");
        }
    }

    private static void metadata(VersionFixture f, RawKafkaSocket socket, short v) {
        MetadataRequestData request = new MetadataRequestData();
        request.topics().add(new MetadataRequestData.MetadataRequestTopic().setName(TOPIC));
        if (v >= 4) {
            request.setAllowAutoTopicCreation(false);
        }
        MetadataResponseData data = ((MetadataResponse) socket.send(request, v)).data();
        assertEquals(1, data.brokers().size());
        MetadataResponseData.MetadataResponseBroker broker =
                data.brokers().iterator().next();
        assertEquals(f.brokerId, broker.nodeId());
        assertEquals(f.port(), broker.port());
        MetadataResponseData.MetadataResponseTopic topic = data.topics().find(TOPIC);
        assertNotNull(topic, "topic " + TOPIC + " in " + data);
        assertEquals(Errors.NONE.code(), topic.errorCode());
        assertEquals(2, topic.partitions().size());
        topic.partitions().forEach(p -> assertEquals(f.brokerId, p.leaderId()));
        if (v >= 1) {
            assertEquals(f.brokerId, data.controllerId());
        }
        if (v >= 2) {
            assertNotNull(data.clusterId());
        }
        if (v >= 10) {
            assertEquals(f.topicId, topic.topicId());
        }
        if (v >= 7) {
            assertEquals(0, topic.partitions().get(0).leaderEpoch());
        }
    }

    private static void produce(VersionFixture f, RawKafkaSocket socket, short v) {
        long expectedOffset = f.producedToPartition1.getAndIncrement();
        MemoryRecords records = MemoryRecords.withRecords(
                Compression.NONE, new SimpleRecord(7L, "k".getBytes(), ("produce v" + v).getBytes()));
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData();
        if (v >= 13) {
            topic.setTopicId(f.topicId);
        } else {
            topic.setName(TOPIC);
        }
        topic.partitionData()
                .add(new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(records));
        ProduceRequestData request =
                new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        request.topicData().add(topic);
        ProduceResponseData data = ((ProduceResponse) socket.send(request, v)).data();
        ProduceResponseData.PartitionProduceResponse p =
                data.responses().iterator().next().partitionResponses().get(0);
        assertEquals(Errors.NONE.code(), p.errorCode(), "error " + Errors.forCode(p.errorCode()));
        assertEquals(1, p.index());
        assertEquals(expectedOffset, p.baseOffset());
        assertEquals(RecordBatch.NO_TIMESTAMP, p.logAppendTimeMs(), "CreateTime topic");
        if (v >= 5) {
            assertEquals(0, p.logStartOffset());
        }
    }

    private static void fetch(VersionFixture f, RawKafkaSocket socket, short v) {
        FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic();
        if (v >= 13) {
            topic.setTopicId(f.topicId);
        } else {
            topic.setTopic(TOPIC);
        }
        topic.partitions()
                .add(new FetchRequestData.FetchPartition()
                        .setPartition(0)
                        .setFetchOffset(0)
                        .setPartitionMaxBytes(1 << 20));
        FetchRequestData request = new FetchRequestData()
                .setMaxWaitMs(0)
                .setMinBytes(1)
                .setMaxBytes(1 << 20)
                .setTopics(new ArrayList<>(List.of(topic)));
        FetchResponseData data = ((FetchResponse) socket.send(request, v)).data();
        assertEquals(Errors.NONE.code(), data.errorCode());
        FetchResponseData.FetchableTopicResponse topicResponse =
                data.responses().get(0);
        if (v >= 13) {
            assertEquals(f.topicId, topicResponse.topicId());
        } else {
            assertEquals(TOPIC, topicResponse.topic());
        }
        FetchResponseData.PartitionData p = topicResponse.partitions().get(0);
        assertEquals(Errors.NONE.code(), p.errorCode(), "error " + Errors.forCode(p.errorCode()));
        assertEquals(RECORDS, p.highWatermark());
        List<String> values = new ArrayList<>();
        for (Record r : ((MemoryRecords) p.records()).records()) {
            values.add(StandardCharsets.UTF_8.decode(r.value()).toString());
        }
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9"), values);
    }

    private static void listOffsets(VersionFixture f, RawKafkaSocket socket, short v) {
        assertOffset(socket, v, ListOffsetsRequest.EARLIEST_TIMESTAMP, 0, -1);
        assertOffset(socket, v, ListOffsetsRequest.LATEST_TIMESTAMP, RECORDS, -1);
        assertOffset(socket, v, FIRST_TIMESTAMP + 5, 5, FIRST_TIMESTAMP + 5);
        if (v >= 7) {
            assertOffset(socket, v, ListOffsetsRequest.MAX_TIMESTAMP, RECORDS - 1, FIRST_TIMESTAMP + RECORDS - 1);
        }
        assertOffset(socket, v, FIRST_TIMESTAMP + 1000, -1, -1); // after the last record: no offset
    }

    private static void assertOffset(RawKafkaSocket socket, short v, long timestamp, long offset, long foundTimestamp) {
        ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1);
        ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic().setName(TOPIC);
        topic.partitions()
                .add(new ListOffsetsRequestData.ListOffsetsPartition()
                        .setPartitionIndex(0)
                        .setTimestamp(timestamp));
        request.topics().add(topic);
        ListOffsetsPartitionResponse p = ((ListOffsetsResponse) socket.send(request, v))
                .data()
                .topics()
                .get(0)
                .partitions()
                .get(0);
        String what = "ListOffsets v" + v + " timestamp " + timestamp;
        assertEquals(Errors.NONE.code(), p.errorCode(), what);
        assertEquals(offset, p.offset(), what);
        assertEquals(foundTimestamp, p.timestamp(), what);
        assertEquals(v >= 4 && offset >= 0 ? 0 : -1, p.leaderEpoch(), what + ": leader epoch");
    }

    private static void findCoordinator(VersionFixture f, RawKafkaSocket socket, short v) {
        String group = f.fresh("vv-find");
        FindCoordinatorRequestData request = new FindCoordinatorRequestData();
        if (v >= 4) {
            request.setCoordinatorKeys(List.of(group));
        } else {
            request.setKey(group);
        }
        FindCoordinatorResponseData data = ((FindCoordinatorResponse) socket.send(request, v)).data();
        if (v >= 4) {
            FindCoordinatorResponseData.Coordinator c = data.coordinators().get(0);
            assertEquals(group, c.key());
            assertEquals(Errors.NONE.code(), c.errorCode(), "error " + Errors.forCode(c.errorCode()));
            assertEquals(f.brokerId, c.nodeId());
            assertEquals(f.port(), c.port());
        } else {
            assertEquals(Errors.NONE.code(), data.errorCode(), "error " + Errors.forCode(data.errorCode()));
            assertEquals(f.brokerId, data.nodeId());
            assertEquals(f.port(), data.port());
        }
    }

    private static void initProducerId(VersionFixture f, RawKafkaSocket socket, short v) {
        InitProducerIdRequestData request =
                new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000);
        InitProducerIdResponseData data = ((InitProducerIdResponse) socket.send(request, v)).data();
        assertEquals(Errors.NONE.code(), data.errorCode());
        assertTrue(data.producerId() >= 0, "producer id " + data.producerId());
        assertEquals(0, data.producerEpoch());
    }

    /**
     * A PLAINTEXT listener offers the optional SASL/PLAIN exchange of the node credential to a connection that has
     * sent nothing else yet.
     */
    private static void saslHandshake(VersionFixture f, RawKafkaSocket socket, short v) {
        SaslHandshakeResponse response =
                (SaslHandshakeResponse) socket.send(new SaslHandshakeRequestData().setMechanism("PLAIN"), v);
        assertEquals(Errors.NONE.code(), response.data().errorCode());
        assertEquals(java.util.List.of("PLAIN"), response.data().mechanisms());
    }

    private static void saslAuthenticate(VersionFixture f, RawKafkaSocket socket, short v) {
        SaslAuthenticateResponse response = (SaslAuthenticateResponse)
                socket.send(new SaslAuthenticateRequestData().setAuthBytes(new byte[] {0, 'u', 0, 'p'}), v);
        assertEquals(Errors.ILLEGAL_SASL_STATE.code(), response.data().errorCode());
    }
}
