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
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.protocol.handler.ApiVersionsHandler;
import io.vertebra.log.security.ListenerSecurity;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kafka protocol listener: Netty with NIO sockets (NIO so record data can leave by
 * {@code FileChannel.transferTo}, i.e. sendfile, from our own file regions). A few event-loop threads own the
 * connections; each frame is cut by its 4-byte size prefix, which is checked against
 * {@code socket.request.max.bytes} before any memory is reserved for it.
 *
 * <p>With TLS ({@link ListenerSecurity#tls()}) each connection's pipeline starts with a JDK-engine
 * {@link SslHandler} and record data is sent in chunks ({@link SegmentFileChunks}) instead of by sendfile.
 */
public final class KafkaListener implements AutoCloseable {
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel serverChannel;
    private final AtomicInteger connections;

    /**
     * Where and how to listen: {@code maxRequestBytes} bounds a request frame, {@code idleMs} closes silent
     * connections (0 or less: never), {@code observer} hears every served request.
     */
    public record Settings(
            String host,
            int port,
            int threads,
            int maxRequestBytes,
            long idleMs,
            ListenerSecurity security,
            RequestObserver observer) {}

    private KafkaListener(
            EventLoopGroup acceptor, EventLoopGroup workers, Channel serverChannel, AtomicInteger connections) {
        this.acceptor = acceptor;
        this.workers = workers;
        this.serverChannel = serverChannel;
        this.connections = connections;
    }

    public static KafkaListener start(Settings settings, RequestDispatcher dispatcher, ApiVersionsHandler apiVersions)
            throws InterruptedException {
        int threads = settings.threads();
        int maxRequestBytes = settings.maxRequestBytes();
        long idleMs = settings.idleMs();
        ListenerSecurity security = settings.security();
        AtomicInteger connections = new AtomicInteger();
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
                            connections.incrementAndGet();
                            ch.closeFuture().addListener(f -> connections.decrementAndGet());
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
                            ch.pipeline()
                                    .addLast(new LengthFieldBasedFrameDecoder(maxRequestBytes, 0, 4, 0, 4, true))
                                    .addLast(new KafkaConnection(
                                            dispatcher, apiVersions, security, settings.observer()));
                        }
                    });
            Channel channel = bootstrap
                    .bind(new InetSocketAddress(settings.host(), settings.port()))
                    .sync()
                    .channel();
            return new KafkaListener(acceptor, workers, channel, connections);
        } catch (InterruptedException | RuntimeException e) {
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Client connections open now (thread-safe). */
    public int connectionCount() {
        return connections.get();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
