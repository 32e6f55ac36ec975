package io.vertebra.log.network;

import io.netty.channel.Channel;

/**
 * Why one connection has stopped reading: reads resume only when no reason is left. Two handlers pause a
 * connection for different reasons (its frame waits for request memory; too many requests in flight or a full
 * socket; an answer that ends the connection) and neither may undo the other's pause. Used on the connection's
 * event-loop thread only.
 */
final class ReadPauses {
    static final int MEMORY = 1;
    static final int BACKPRESSURE = 2;
    static final int CLOSING = 4;

    private final Channel channel;
    private int reasons;

    ReadPauses(Channel channel) {
        this.channel = channel;
    }

    void pause(int reason) {
        if (reasons == 0) {
            channel.config().setAutoRead(false);
        }
        reasons |= reason;
    }

    void resume(int reason) {
        if ((reasons & reason) == 0) {
            return;
        }
        reasons &= ~reason;
        if (reasons == 0) {
            channel.config().setAutoRead(true);
        }
    }

    boolean paused(int reason) {
        return (reasons & reason) != 0;
    }
}
