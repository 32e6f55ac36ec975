package io.vertebra.bench.cdc;

import io.vertebra.testkit.ConnectWorker;
import io.vertebra.testkit.RealKafkaCluster;
import java.nio.file.Path;
import java.util.Map;

/**
 * One Apache Kafka 4.3 broker (KRaft, its own JVM) and one Apache Kafka Connect 4.3 worker (distributed mode, its
 * own JVM) whose plugin path holds Debezium's PostgresConnector (the same jars as {@code plugins/vertebra-cdc-postgres})
 * and the Debezium JDBC sink.
 */
final class KafkaConnectPipeline implements PipelineRuntime {
    private final RealKafkaCluster kafka;
    private final ConnectWorker worker;
    private final ConnectRestClient rest;

    private KafkaConnectPipeline(RealKafkaCluster kafka, ConnectWorker worker) {
        this.kafka = kafka;
        this.worker = worker;
        this.rest = new ConnectRestClient(worker.url());
    }

    static KafkaConnectPipeline start(Path dir, Path pluginPath, String brokerHeap, String workerHeap) {
        RealKafkaCluster kafka = RealKafkaCluster.start(dir.resolve("kafka"), 1, brokerHeap, Map.of());
        try {
            // hybrid discovery: the Debezium plugins are loaded the way their users load them
            ConnectWorker worker = ConnectWorker.start(
                    dir.resolve("connect"),
                    kafka.bootstrapServers(),
                    pluginPath,
                    workerHeap,
                    Map.of("plugin.discovery", "hybrid_warn"));
            return new KafkaConnectPipeline(kafka, worker);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "Kafka 4.3.1 + Kafka Connect 4.3.1, Debezium JDBC sink 3.6.0";
    }

    @Override
    public String sinkClass() {
        return "io.debezium.connector.jdbc.JdbcSinkConnector";
    }

    @Override
    public ConnectRestClient rest() {
        return rest;
    }

    @Override
    public long[] pids() {
        return new long[] {kafka.nodes().get(0).pid(), worker.process().pid()};
    }

    @Override
    public void close() {
        try {
            worker.close();
        } finally {
            kafka.close();
        }
    }
}
