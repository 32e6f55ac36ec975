package io.vertebra.node;

import io.vertebra.log.Broker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * One Vertebra node: the embedded broker (unless it runs as a pure worker against another Kafka cluster) and the
 * Connect worker with its REST API. This is the only class that knows both the log engine and the runtime.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final NodeConfig config;
    private final DataDirLock lock;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private Broker broker;
    private StatusHttpServer rest;

    private Node(NodeConfig config, DataDirLock lock) {
        this.config = config;
        this.lock = lock;
    }

    public static Node start(NodeConfig config) throws IOException {
        DataDirLock lock = DataDirLock.acquire(config.dataDir());
        Node node = new Node(config, lock);
        try {
            node.startParts();
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private void startParts() throws IOException {
        if (config.embeddedLog()) {
            broker = Broker.start(brokerConfig());
            parts.add(broker);
        }
        rest = StatusHttpServer.start(config.bindHost(), config.restPort(), config.nodeId());
        parts.add(rest);
    }

    /** The broker's settings: the node's identity and listener, plus every broker key of the node config. */
    Map<String, String> brokerConfig() {
        Map<String, String> broker = new LinkedHashMap<>(config.passThrough());
        broker.put("node.id", Integer.toString(config.nodeId()));
        broker.put("log.dir", config.dataDir().resolve("log").toString());
        broker.put("listener.host", config.bindHost());
        broker.put("listener.port", Integer.toString(config.kafkaPort()));
        broker.put("advertised.host", config.host());
        return broker;
    }

    public int kafkaPort() {
        return broker == null ? -1 : broker.port();
    }

    public int restPort() {
        return rest.port();
    }

    public Path dataDir() {
        return config.dataDir();
    }

    public String readyLine() {
        String kafka = broker == null ? "external " + config.bootstrapServers() : config.host() + ":" + broker.port();
        return "vertebra ready: node.id=" + config.nodeId() + " kafka=" + kafka + " rest=http://" + config.host() + ":"
                + rest.port() + " data.dir=" + config.dataDir().toAbsolutePath().normalize();
    }

    /** Blocks until SIGTERM or SIGINT (Ctrl-C); the caller then closes the node and exits 0. */
    public void awaitShutdownSignal() throws InterruptedException {
        Signal.handle(new Signal("TERM"), s -> shutdown.countDown());
        Signal.handle(new Signal("INT"), s -> shutdown.countDown());
        shutdown.await();
        log.info("shutdown requested; stopping the node");
    }

    /** Stops the parts in reverse start order: worker and REST first, the broker (flush, close segments) last. */
    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(parts);
        Collections.reverse(reversed);
        for (AutoCloseable part : reversed) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("error while stopping {}", part, e);
            }
        }
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("cannot release the data directory lock", e);
        }
    }
}
