package io.vertebra.log.network;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

/**
 * Adapts kafka-clients' {@link Send} (a response: header, body and record slices) to Netty: byte buffers are
 * wrapped without copying, file slices become {@link SegmentFileRegion}s so record data goes to the socket by
 * sendfile. Every write "succeeds" at once; Netty queues the pieces and writes them in order.
 */
final class NettySendChannel implements TransferableChannel {
    private final ChannelHandlerContext ctx;

    NettySendChannel(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Queues the whole of {@code send} on the channel (the caller flushes). */
    static void write(ChannelHandlerContext ctx, Send send) throws IOException {
        NettySendChannel channel = new NettySendChannel(ctx);
        int rounds = 0;
        while (!send.completed()) {
            send.writeTo(channel);
            if (++rounds > 1_000_000) {
                throw new IOException("response send made no progress");
            }
        }
    }

    @Override
    public boolean hasPendingWrites() {
        return false;
    }

    @Override
    public long transferFrom(FileChannel fileChannel, long position, long count) {
        if (count > 0) {
            ctx.write(new SegmentFileRegion(fileChannel, position, count), ctx.voidPromise());
        }
        return count;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs) {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) {
        int n = src.remaining();
        if (n > 0) {
            ctx.write(Unpooled.wrappedBuffer(src.slice()), ctx.voidPromise());
            src.position(src.limit());
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return ctx.channel().isOpen();
    }

    @Override
    public void close() {}
}
