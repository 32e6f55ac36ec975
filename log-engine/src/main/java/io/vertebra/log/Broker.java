package io.vertebra.log;

import java.io.IOException;
import java.util.Map;

/**
 * One Kafka-protocol broker: storage, the Kafka listener, the group coordinator and the metadata it follows.
 * Everything else in this module hangs off this class; {@link #start} returns once the listener accepts clients.
 */
public final class Broker implements AutoCloseable {
    private final Map<String, String> config;
    private final int port;

    private Broker(Map<String, String> config, int port) {
        this.config = config;
        this.port = port;
    }

    public static Broker start(Map<String, String> config) throws IOException {
        throw new UnsupportedOperationException("the broker is being built (issue 3)");
    }

    /** The bound Kafka port (useful when configured with port 0). */
    public int port() {
        return port;
    }

    @Override
    public void close() {}
}
