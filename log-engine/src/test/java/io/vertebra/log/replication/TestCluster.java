package io.vertebra.log.replication;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertebra.log.Broker;
import io.vertebra.testkit.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** N brokers in this JVM forming one Raft-backed cluster on loopback, for fast replication tests. */
public final class TestCluster implements AutoCloseable {
    private final Path dir;
    private final int size;
    private final int[] kafkaPorts;
    private final int[] raftPorts;
    private final Broker[] brokers;
    private final MeterRegistry[] registries;
    private final Map<String, String> extra;

    TestCluster(Path dir, int size, Map<String, String> extra) {
        this.dir = dir;
        this.size = size;
        this.extra = extra;
        this.kafkaPorts = new int[size];
        this.raftPorts = new int[size];
        this.brokers = new Broker[size];
        this.registries = new MeterRegistry[size];
        for (int i = 0; i < size; i++) {
            kafkaPorts[i] = Ports.free();
            raftPorts[i] = Ports.free();
        }
    }

    public static TestCluster start(Path dir, int size, Map<String, String> extra) {
        TestCluster cluster = new TestCluster(dir, size, extra);
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            int id = i;
            starts.add(CompletableFuture.runAsync(() -> cluster.startBroker(id)));
        }
        starts.forEach(CompletableFuture::join);
        return cluster;
    }

    public String quorum() {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            entries.add((i + 1) + "@127.0.0.1:" + raftPorts[i]);
        }
        return String.join(",", entries);
    }

    void startBroker(int id) {
        Map<String, String> settings = new HashMap<>();
        settings.put("node.id", Integer.toString(id));
        settings.put("log.dir", dir.resolve("node-" + id + "/log").toString());
        settings.put("listener.host", "127.0.0.1");
        settings.put("listener.port", Integer.toString(kafkaPorts[id - 1]));
        settings.put("advertised.host", "127.0.0.1");
        settings.put("controller.quorum.voters", quorum());
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("offsets.topic.num.partitions", "3");
        settings.putAll(extra);
        try {
            registries[id - 1] = new SimpleMeterRegistry();
            brokers[id - 1] = Broker.start(settings, registries[id - 1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stopBroker(int id) {
        Broker b = brokers[id - 1];
        brokers[id - 1] = null;
        if (b != null) {
            b.close();
        }
    }

    public Broker broker(int id) {
        return brokers[id - 1];
    }

    /** The meters of the broker's current run (a fresh registry each start). */
    public MeterRegistry registry(int id) {
        return registries[id - 1];
    }

    public String bootstrap() {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            servers.add("127.0.0.1:" + kafkaPorts[i]);
        }
        return servers.stream().collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            int id = i;
            stops.add(CompletableFuture.runAsync(() -> stopBroker(id)));
        }
        stops.forEach(CompletableFuture::join);
    }
}
