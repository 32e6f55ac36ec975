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
 *
 * <p>A dying process does not close all its sockets at once: the watched connection can end while the listener
 * still accepts. Then the new connection is watched in its place (the listener's close resets it), and for a while
 * a refused connection to that broker also counts as its death — before, such a broker was found only by the
 * heartbeat timeout, 1.5 s later (seen in about one leader kill in ten of the soak).
 */
final class ProcessWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProcessWatch.class);
    /** How long after its connection ended while its listener still accepted a refusal still means death. */
    private static final long DYING_WINDOW_MS = 2_000;

    private final Selector selector;
    private final IntConsumer onDead;
    private final Map<Integer, String> wanted = new ConcurrentHashMap<>();
    private final Map<Integer, SocketChannel> channels = new HashMap<>();
    private final Map<Integer, String> connectedTo = new HashMap<>();
    /** Brokers whose connection ended while their listener still accepted, and since when (ms). */
    private final Map<Integer, Long> dying = new HashMap<>();

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
        dying.keySet().retainAll(wanted.keySet());
        dying.values().removeIf(since -> System.currentTimeMillis() - since > DYING_WINDOW_MS);
        for (Map.Entry<Integer, String> e : Set.copyOf(wanted.entrySet())) {
            if (!channels.containsKey(e.getKey())) {
                SocketChannel channel = connect(e.getValue());
                if (channel != null) {
                    watchChannel(e.getKey(), e.getValue(), channel);
                } else if (dying.containsKey(e.getKey())) {
                    dead(e.getKey(), e.getValue());
                }
                // else: not listening yet (a broker registers before its listener is up); tried again next round
            }
        }
    }

    private void watchChannel(int id, String address, SocketChannel channel) {
        channels.put(id, channel);
        connectedTo.put(id, address);
        try {
            channel.register(selector, SelectionKey.OP_READ, id);
        } catch (IOException ex) {
            closeQuietly(channels.remove(id));
            connectedTo.remove(id);
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
            dead(id, address);
        } else {
            // still accepting: alive, or exiting with its listener not closed yet — watch the new connection
            dying.put(id, System.currentTimeMillis());
            watchChannel(id, address, again);
        }
    }

    private void dead(int id, String address) {
        log.info("broker {} at {} closed its connections and refuses new ones: its process is gone", id, address);
        dying.remove(id);
        wanted.remove(id);
        onDead.accept(id);
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
