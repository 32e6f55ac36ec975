package io.vertebra.bench.jdbc;

import io.vertebra.testkit.ConnectWorker;
import java.nio.file.Path;
import java.util.Map;

/** The real Apache Kafka Connect worker (distributed mode, child JVM) with a given plugin path. */
final class KafkaConnectRuntime implements SinkRuntime {
    private final ConnectWorker worker;

    KafkaConnectRuntime(Path dir, String bootstrapServers, Path pluginPath, String heap) {
        // hybrid discovery: the Debezium plugin is loaded the way its users load it
        this.worker =
                ConnectWorker.start(dir, bootstrapServers, pluginPath, heap, Map.of("plugin.discovery", "hybrid_warn"));
    }

    @Override
    public String name() {
        return "Kafka Connect 4.3.1";
    }

    @Override
    public void deploy(String connector, Map<String, String> config) {
        worker.putConnector(connector, config); // fails unless Kafka Connect accepts it
    }

    @Override
    public void remove(String connector) {
        worker.delete("/connectors/" + connector);
    }

    @Override
    public String status(String connector) {
        return worker.status(connector);
    }

    @Override
    public void close() {
        worker.close();
    }
}
