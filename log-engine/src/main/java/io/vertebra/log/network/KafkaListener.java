package io.vertebra.log.network;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.protocol.handler.ApiVersionsHandler;
import io.vertebra.log.security.ListenerSecurity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka protocol listener: Netty with NIO sockets (NIO so record data can leave by
 * {@code FileChannel.transferTo}, i.e. sendfile, from our own file regions). A few event-loop threads own the
 * connections; each frame is cut by its 4-byte size prefix, which is checked against
 * {@code socket.request.max.bytes} before any memory is reserved for it ({@link RequestFrames}).
 *
 * <p>Limits ({@link ListenerLimits}): a connection past {@code max.connections} or its address's
 * {@code max.connections.per.ip} is closed as it is accepted (counted, and logged once a minute per address);
 * request bytes being read or handled share one {@link RequestMemory} budget; connections silent for
 * {@code connections.max.idle.ms} are closed.
 *
 * <p>With TLS ({@link ListenerSecurity#tls()}) each connection's pipeline starts with a JDK-engine
 * {@link SslHandler} and record data is sent in chunks ({@link SegmentFileChunks}) instead of by sendfile.
 */
public final class KafkaListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaListener.class);
    private static final ClientMistakes refusals = new ClientMistakes(log, System::nanoTime);

    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final ConnectionLimits connections;
    private final RequestMemory requestMemory;

    /**
     * Where and how to listen: {@code maxRequestBytes} bounds a request frame, {@code idleMs} closes silent
     * connections (0 or less: never), {@code observer} hears every served request, {@code limits} bound what
     * clients may take.
     */
    public record Settings(
            String host,
            int port,
            int threads,
            int maxRequestBytes,
            long idleMs,
            ListenerSecurity security,
            RequestObserver observer,
            ListenerLimits limits) {
        /** No connection limits; a request budget of four frames of {@code maxRequestBytes}. */
        public Settings(
                String host,
                int port,
                int threads,
                int maxRequestBytes,
                long idleMs,
                ListenerSecurity security,
                RequestObserver observer) {
            this(
                    host,
                    port,
                    threads,
                    maxRequestBytes,
                    idleMs,
                    security,
                    observer,
                    ListenerLimits.connectionsUnlimited(4L * maxRequestBytes));
        }

        public Settings {
            if (limits.queuedMaxRequestBytes() < maxRequestBytes) {
                throw new IllegalArgumentException("the request budget (" + limits.queuedMaxRequestBytes()
                        + " bytes) must hold the largest request (" + maxRequestBytes + " bytes)");
            }
        }
    }

    private KafkaListener(
            EventLoopGroup acceptor,
            EventLoopGroup workers,
            Channel serverChannel,
            ConnectionLimits connections,
            RequestMemory requestMemory) {
        this.acceptor = acceptor;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.requestMemory = requestMemory;
    }

    public static KafkaListener start(Settings settings, RequestDispatcher dispatcher, ApiVersionsHandler apiVersions)
            throws InterruptedException {
        int threads = settings.threads();
        int maxRequestBytes = settings.maxRequestBytes();
        long idleMs = settings.idleMs();
        ListenerSecurity security = settings.security();
        ListenerLimits limits = settings.limits();
        ConnectionLimits connections = new ConnectionLimits(limits);
        RequestMemory requestMemory = new RequestMemory(limits.queuedMaxRequestBytes());
        EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(
                1, new DefaultThreadFactory("kafka-acceptor"), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory("kafka-network"), NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(acceptor, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childOption(
                            ChannelOption.WRITE_BUFFER_WATER_MARK,
                            new WriteBufferWaterMark(1024 * 1024, 8 * 1024 * 1024))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            InetSocketAddress remote = ch.remoteAddress();
                            if (remote == null) { // reset before it was set up
                                ch.close();
                                return;
                            }
                            InetAddress address = remote.getAddress();
                            String refused = connections.tryOpen(address);
                            if (refused != null) {
                                refuse(ch, address, refused, limits);
                                return;
                            }
                            ch.closeFuture().addListener(f -> connections.close(address));
                            ReadPauses pauses = new ReadPauses(ch);
                            if (security.tls() != null) {
                                ch.pipeline()
                                        .addLast(new SslHandler(security.tls().newServerEngine()));
                            }
                            if (idleMs > 0) {
                                ch.pipeline().addLast(new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS) {
                                    @Override
                                    protected void channelIdle(
                                            io.netty.channel.ChannelHandlerContext ctx, IdleStateEvent evt) {
                                        ctx.close();
                                    }
                                });
                            }
                            if (security.tls() != null) {
                                ch.pipeline().addLast(new ChunkedWriteHandler());
                            }
                            KafkaConnection connection =
                                    new KafkaConnection(dispatcher, apiVersions, security, settings.observer(), pauses);
                            ch.pipeline()
                                    .addLast(new RequestFrames(
                                            maxRequestBytes,
                                            limits.maxBytesBeforeAuthentication(),
                                            connection::authenticating,
                                            requestMemory,
                                            pauses))
                                    .addLast(connection);
                        }
                    });
            Channel channel = bootstrap
                    .bind(new InetSocketAddress(settings.host(), settings.port()))
                    .sync()
                    .channel();
            return new KafkaListener(acceptor, workers, channel, connections, requestMemory);
        } catch (InterruptedException | RuntimeException e) {
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** Closes a connection over a limit as it is accepted; logged once a minute per limit and address. */
    private static void refuse(SocketChannel ch, InetAddress address, String limit, ListenerLimits limits) {
        int value = limit.equals(ListenerLimits.MAX_CONNECTIONS)
                ? limits.maxConnections()
                : limits.maxConnectionsPerIpOverrides().getOrDefault(address, limits.maxConnectionsPerIp());
        refusals.warn(limit + " " + address, "refusing a connection from {}: {} = {} reached", address, limit, value);
        ch.close();
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Client connections open now (thread-safe). */
    public int connectionCount() {
        return connections.open();
    }

    /** Open connections and those refused by a limit. */
    public ConnectionLimits connections() {
        return connections;
    }

    /** The request memory budget shared by this listener's connections. */
    public RequestMemory requestMemory() {
        return requestMemory;
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
