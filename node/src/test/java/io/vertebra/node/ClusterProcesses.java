package io.vertebra.node;

import io.vertebra.testkit.VertebraCluster;
import java.nio.file.Path;
import java.util.Map;

/** A cluster of node processes (the test kit's {@link VertebraCluster}) seen through {@link NodeProcess}. */
final class ClusterProcesses implements AutoCloseable {
    private final VertebraCluster cluster;

    private ClusterProcesses(VertebraCluster cluster) {
        this.cluster = cluster;
    }

    static ClusterProcesses start(Path dir, int size, Map<String, String> settings) {
        return start(dir, size, size, settings);
    }

    static ClusterProcesses start(Path dir, int size, int capacity, Map<String, String> settings) {
        return new ClusterProcesses(VertebraCluster.start(dir, size, capacity, "384m", settings));
    }

    NodeProcess node(int id) {
        return new NodeProcess(cluster.node(id));
    }

    int addNode() {
        return cluster.addNode();
    }

    void restart(int id) {
        cluster.restart(id);
    }

    String bootstrap() {
        return cluster.bootstrap();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
