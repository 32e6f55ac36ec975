package io.vertebra.bench.jdbc;

import java.util.Map;

/**
 * Where a sink connector runs during the benchmark: today the real Apache Kafka Connect worker
 * ({@link KafkaConnectRuntime}); a Vertebra node implements the same two calls once its runtime runs sinks, and the
 * benchmark then reports it beside the others with no other change.
 */
interface SinkRuntime extends AutoCloseable {
    /** A short name for the report, e.g. "Kafka Connect 4.3.1". */
    String name();

    /** Creates (or replaces) a connector; returns once the runtime accepted it. */
    void deploy(String connector, Map<String, String> config);

    /** Deletes a connector. */
    void remove(String connector);

    /** The body of {@code GET /connectors/{name}/status}, or the empty string while there is none. */
    String status(String connector);

    @Override
    void close();
}
