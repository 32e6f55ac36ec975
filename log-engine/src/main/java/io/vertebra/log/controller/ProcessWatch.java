package io.vertebra.log.controller;

import io.vertebra.log.metadata.BrokerImage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices at once when a broker's process is gone. The active controller keeps one idle TCP connection to each
 * broker's Kafka listener; nothing is ever sent on it. When the process dies (crash, SIGKILL, OOM) the kernel
 * closes its sockets, the connection reads end-of-stream, and a reconnect is refused — the broker is reported
 * dead without waiting for its heartbeats to time out. A frozen process or a network partition keeps the
 * connection open; those are still caught by the heartbeat session timeout. One thread ("process-watch").
 */
final class ProcessWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessWatch.class);

    private final Selector selector;
    private final IntConsumer onDead;
    private final Map<Integer, String> wanted = new ConcurrentHashMap<>();
    private final Map<Integer, SocketChannel> channels = new HashMap<>();
    private final Map<Integer, String> connectedTo = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    ProcessWatch(IntConsumer onDead) throws IOException {
        this.selector = Selector.open();
        this.onDead = onDead;
        this.thread = new Thread(this::run, "process-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** The brokers to watch now (live brokers other than this node); an empty set stops watching. */
    void watch(Collection<BrokerImage> brokers) {
        Map<Integer, String> next = new HashMap<>();
        for (BrokerImage b : brokers) {
            next.put(b.id(), b.host() + ":" + b.port());
        }
        if (!next.equals(wanted)) {
            wanted.clear();
            wanted.putAll(next);
            selector.wakeup();
        }
    }

    private void run() {
        ByteBuffer scratch = ByteBuffer.allocate(512);
        while (running) {
            try {
                sync();
                selector.select(500);
                for (SelectionKey key : selector.selectedKeys()) {
                    int id = (Integer) key.attachment();
                    SocketChannel channel = (SocketChannel) key.channel();
                    boolean closed;
                    try {
                        scratch.clear();
                        closed = channel.read(scratch) < 0;
                    } catch (IOException e) {
                        closed = true;
                    }
                    if (closed) {
                        lost(id);
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                log.debug("process watch: {}", e.toString());
            }
        }
    }

    /** Opens connections to newly wanted brokers and drops the ones no longer wanted. */
    private void sync() {
        for (Integer id : Set.copyOf(channels.keySet())) {
            if (!wanted.containsKey(id) || !wanted.get(id).equals(connectedTo.get(id))) {
                closeQuietly(channels.remove(id));
                connectedTo.remove(id);
            }
        }
        for (Map.Entry<Integer, String> e : wanted.entrySet()) {
            if (!channels.containsKey(e.getKey())) {
                SocketChannel channel = connect(e.getValue());
                if (channel != null) {
                    channels.put(e.getKey(), channel);
                    connectedTo.put(e.getKey(), e.getValue());
                    try {
                        channel.register(selector, SelectionKey.OP_READ, e.getKey());
                    } catch (IOException ex) {
                        closeQuietly(channels.remove(e.getKey()));
                    }
                }
            }
        }
    }

    /** The watched connection ended: dead if the listener refuses a new connection, else watch the new one. */
    private void lost(int id) {
        closeQuietly(channels.remove(id));
        String address = connectedTo.remove(id);
        if (address == null || !wanted.containsKey(id)) {
            return;
        }
        SocketChannel again = connect(address);
        if (again == null) {
            log.info("broker {} at {} closed its connections and refuses new ones: its process is gone", id, address);
            wanted.remove(id);
            onDead.accept(id);
        } else {
            closeQuietly(again);
        }
    }

    private static SocketChannel connect(String address) {
        int colon = address.lastIndexOf(':');
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.socket()
                    .connect(
                            new InetSocketAddress(
                                    address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                            200);
            channel.configureBlocking(false);
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            return null;
        }
    }

    /** Whether a TCP connection to {@code host:port} can be opened within 200 ms. */
    static boolean reachable(String host, int port) {
        SocketChannel channel = connect(host + ":" + port);
        closeQuietly(channel);
        return channel != null;
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            thread.join(2000);
            for (SocketChannel c : channels.values()) {
                closeQuietly(c);
            }
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // closing
        }
    }
}
