package io.vertebra.bench.cdc;

import java.util.Map;

/**
 * Where the CDC pipeline (Debezium's PostgresConnector → topic → JDBC sink) runs during the benchmark: Apache Kafka
 * with Apache Kafka Connect ({@link KafkaConnectPipeline}) or one Vertebra node ({@link VertebraPipeline}).
 */
interface PipelineRuntime extends AutoCloseable {
    /** A short name for the report. */
    String name();

    /** The JDBC sink connector class this runtime runs. */
    String sinkClass();

    /** The runtime's Kafka Connect REST API (both runtimes speak it). */
    ConnectRestClient rest();

    /** Creates a connector; returns once the runtime accepted it. */
    default void deploy(String connector, Map<String, String> config) {
        rest().put(connector, config);
    }

    /** Deletes a connector. */
    default void remove(String connector) {
        rest().delete(connector);
    }

    /** The body of {@code GET /connectors/{name}/status}, or the empty string while there is none. */
    default String status(String connector) {
        return rest().status(connector);
    }

    /** The process ids of the JVMs that make up this runtime (for CPU accounting). */
    long[] pids();

    @Override
    void close();
}
