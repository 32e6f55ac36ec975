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
 * sendfile — or, on an encrypted connection, {@link SegmentFileChunks} read on demand. Every write "succeeds" at
 * once; Netty queues the pieces and writes them in order.
 */
final class NettySendChannel implements TransferableChannel {
    private final ChannelHandlerContext ctx;
    private final boolean zeroCopy;

    NettySendChannel(ChannelHandlerContext ctx, boolean zeroCopy) {
        this.ctx = ctx;
        this.zeroCopy = zeroCopy;
    }

    /**
     * Queues the whole of {@code send} on the channel (the caller flushes). {@code zeroCopy} false: the pipeline
     * encrypts, so file slices go as chunks through a ChunkedWriteHandler instead of file regions.
     */
    static void write(ChannelHandlerContext ctx, Send send, boolean zeroCopy) throws IOException {
        NettySendChannel channel = new NettySendChannel(ctx, zeroCopy);
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
            Object slice = zeroCopy
                    ? new SegmentFileRegion(fileChannel, position, count)
                    : new SegmentFileChunks(fileChannel, position, count);
            ctx.write(slice, ctx.voidPromise());
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
