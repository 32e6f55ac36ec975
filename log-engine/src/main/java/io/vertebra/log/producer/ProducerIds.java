package io.vertebra.log.producer;

import io.vertebra.log.controller.Controller;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids for InitProducerId from blocks the controller reserves in the metadata log, so ids are
 * unique across brokers and restarts without a metadata write per producer.
 */
public final class ProducerIds {
    static final int BLOCK_SIZE = 1000;

    private final Controller controller;
    private final int brokerId;
    private long next;
    private long end;

    public ProducerIds(Controller controller, int brokerId) {
        this.controller = controller;
        this.brokerId = brokerId;
    }

    public synchronized CompletableFuture<Long> nextId() {
        if (next < end) {
            return CompletableFuture.completedFuture(next++);
        }
        return controller.allocateProducerIds(brokerId, BLOCK_SIZE).thenApply(first -> {
            synchronized (this) {
                if (next >= end) {
                    next = first;
                    end = first + BLOCK_SIZE;
                }
                return next++;
            }
        });
    }
}
