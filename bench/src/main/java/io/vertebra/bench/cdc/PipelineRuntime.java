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

    /** Creates a connector; returns once the runtime accepted it. */
    void deploy(String connector, Map<String, String> config);

    /** Deletes a connector. */
    void remove(String connector);

    /** The body of {@code GET /connectors/{name}/status}, or the empty string while there is none. */
    String status(String connector);

    /** The process ids of the JVMs that make up this runtime (for CPU accounting). */
    long[] pids();

    @Override
    void close();
}
