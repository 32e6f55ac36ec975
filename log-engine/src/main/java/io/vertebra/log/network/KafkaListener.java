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
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.protocol.handler.ApiVersionsHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka protocol listener: Netty with NIO sockets (NIO so record data can leave by
 * {@code FileChannel.transferTo}, i.e. sendfile, from our own file regions). A few event-loop threads own the
 * connections; each frame is cut by its 4-byte size prefix, which is checked against
 * {@code socket.request.max.bytes} before any memory is reserved for it.
 */
public final class KafkaListener implements AutoCloseable {
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel serverChannel;

    private KafkaListener(EventLoopGroup acceptor, EventLoopGroup workers, Channel serverChannel) {
        this.acceptor = acceptor;
        this.workers = workers;
        this.serverChannel = serverChannel;
    }

    public static KafkaListener start(
            String host,
            int port,
            int threads,
            int maxRequestBytes,
            long idleMs,
            RequestDispatcher dispatcher,
            ApiVersionsHandler apiVersions)
            throws InterruptedException {
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
                            if (idleMs > 0) {
                                ch.pipeline().addLast(new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS) {
                                    @Override
                                    protected void channelIdle(
                                            io.netty.channel.ChannelHandlerContext ctx, IdleStateEvent evt) {
                                        ctx.close();
                                    }
                                });
                            }
                            ch.pipeline()
                                    .addLast(new LengthFieldBasedFrameDecoder(maxRequestBytes, 0, 4, 0, 4, true))
                                    .addLast(new KafkaConnection(dispatcher, apiVersions));
                        }
                    });
            Channel channel =
                    bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
            return new KafkaListener(acceptor, workers, channel);
        } catch (InterruptedException | RuntimeException e) {
            acceptor.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
