package io.vertebra.log.protocol.handler;

import io.vertebra.log.producer.ProducerIds;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId for idempotent producers: a new producer id with epoch 0, or — when the producer asks to bump
 * its epoch after an error (KIP-360) — the same id with the next epoch, or a new id when the epoch would
 * overflow. Transactional ids are not supported yet and get a clear error.
 */
public final class InitProducerIdHandler implements ApiHandler {
    private final ProducerIds producerIds;

    public InitProducerIdHandler(ProducerIds producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        InitProducerIdRequestData data = ((InitProducerIdRequest) request).data();
        if (data.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(new InitProducerIdResponseData()
                    .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
                    .setProducerId(RecordBatch.NO_PRODUCER_ID)
                    .setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH)));
        }
        if (data.producerId() != RecordBatch.NO_PRODUCER_ID
                && data.producerEpoch() >= 0
                && data.producerEpoch() < Short.MAX_VALUE - 1) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(new InitProducerIdResponseData()
                    .setProducerId(data.producerId())
                    .setProducerEpoch((short) (data.producerEpoch() + 1))));
        }
        return producerIds
                .nextId()
                .thenApply(id -> new InitProducerIdResponse(
                        new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0)));
    }
}
