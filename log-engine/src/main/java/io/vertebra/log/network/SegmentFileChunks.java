package io.vertebra.log.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A slice of a segment file read into buffers chunk by chunk, for connections that encrypt (TLS cannot use
 * sendfile: the bytes must pass through the JVM to be encrypted). Netty's ChunkedWriteHandler pulls the next
 * chunk only when the socket can take it, so a large fetch response never sits in memory whole. Like
 * {@link SegmentFileRegion} it never closes the channel: the segment owns it.
 */
final class SegmentFileChunks implements ChunkedInput<ByteBuf> {
    static final int CHUNK_BYTES = 64 * 1024;

    private final FileChannel file;
    private final long start;
    private final long count;
    private long read;

    SegmentFileChunks(FileChannel file, long start, long count) {
        this.file = file;
        this.start = start;
        this.count = count;
    }

    @Override
    public boolean isEndOfInput() {
        return read >= count;
    }

    @Override
    public void close() {
        // the segment owns the channel
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) throws IOException {
        return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) throws IOException {
        if (isEndOfInput()) {
            return null;
        }
        int size = (int) Math.min(CHUNK_BYTES, count - read);
        ByteBuf chunk = allocator.buffer(size);
        try {
            while (chunk.writerIndex() < size) {
                int n = chunk.writeBytes(file, start + read + chunk.writerIndex(), size - chunk.writerIndex());
                if (n <= 0) {
                    throw new IOException(
                            "segment file shrank under a pending send (" + file.size() + " < " + (start + count) + ")");
                }
            }
            read += size;
            return chunk;
        } catch (IOException | RuntimeException e) {
            chunk.release();
            throw e;
        }
    }

    @Override
    public long length() {
        return count;
    }

    @Override
    public long progress() {
        return read;
    }
}
