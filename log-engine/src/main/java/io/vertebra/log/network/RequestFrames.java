package io.vertebra.log.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts one connection's bytes into request frames by their 4-byte size prefix and passes each frame (without its
 * prefix) on. The size is checked before any memory is reserved or allocated for it:
 *
 * <ul>
 *   <li>negative, or above {@code socket.request.max.bytes}: the connection is closed;
 *   <li>while a SASL client has not authenticated yet, above {@code sasl.server.max.receive.size}: closed, as Kafka
 *       does (a stranger cannot make the broker hold a large buffer);
 *   <li>otherwise the whole size is reserved in the listener's {@link RequestMemory}; when it does not fit, this
 *       connection stops reading until memory is released, and only then is the frame's buffer allocated.
 * </ul>
 *
 * The reservation is given back as soon as the next handler returned from {@code channelRead}: the connection
 * parses and dispatches a frame within that call and releases its buffer before returning. A frame that arrived
 * whole in one read is passed on as a slice of that read, without a copy. Used on the connection's event-loop
 * thread only.
 */
final class RequestFrames extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestFrames.class);
    private static final ClientMistakes mistakes = new ClientMistakes(log, System::nanoTime);

    private final int maxRequestBytes;
    private final int maxBytesBeforeAuthentication;
    private final BooleanSupplier authenticating;
    private final RequestMemory memory;
    private final ReadPauses pauses;
    private ChannelHandlerContext ctx;
    /** Bytes read and not yet cut into frames. */
    private ByteBuf held;
    /** The frame being filled, its size reserved in {@link #memory}; null between frames. */
    private ByteBuf frame;

    private int frameSize;
    private boolean waitingForMemory;
    private boolean failed;

    /**
     * {@code authenticating}: whether the connection still waits for SASL authentication, when frames above
     * {@code maxBytesBeforeAuthentication} are refused.
     */
    RequestFrames(
            int maxRequestBytes,
            int maxBytesBeforeAuthentication,
            BooleanSupplier authenticating,
            RequestMemory memory,
            ReadPauses pauses) {
        this.maxRequestBytes = maxRequestBytes;
        this.maxBytesBeforeAuthentication = maxBytesBeforeAuthentication;
        this.authenticating = authenticating;
        this.memory = memory;
        this.pauses = pauses;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (failed) {
            in.release();
            return;
        }
        held = held == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), held, in);
        cut();
    }

    private void cut() {
        while (held != null && !failed && !waitingForMemory && ctx.channel().isActive()) {
            if (frame != null) {
                frame.writeBytes(held, Math.min(held.readableBytes(), frame.writableBytes()));
                if (frame.isWritable()) {
                    break; // wait for the rest
                }
                ByteBuf whole = frame;
                frame = null;
                deliver(whole);
            } else {
                if (held.readableBytes() < 4) {
                    break;
                }
                int size = held.getInt(held.readerIndex());
                if (!acceptable(size)) {
                    return;
                }
                if (!memory.reserveOrWait(size, this::memoryReleased)) {
                    waitingForMemory = true;
                    pauses.pause(ReadPauses.MEMORY);
                    break;
                }
                held.skipBytes(4);
                if (held.readableBytes() >= size) {
                    deliver(held.readRetainedSlice(size));
                } else {
                    frame = ctx.alloc().buffer(size, size);
                    frameSize = size;
                }
            }
        }
        if (held != null && !held.isReadable()) {
            releaseHeld();
        }
    }

    private boolean acceptable(int size) {
        if (size < 0) {
            fail(new CorruptedFrameException("negative frame size " + size));
            return false;
        }
        if (size > maxRequestBytes) {
            fail(new TooLongFrameException(
                    "frame of " + size + " bytes is larger than socket.request.max.bytes " + maxRequestBytes));
            return false;
        }
        if (size > maxBytesBeforeAuthentication && authenticating.getAsBoolean()) {
            mistakes.warn(
                    "unauthenticated size " + ctx.channel().remoteAddress(),
                    "closing {}: a frame of {} bytes before SASL authentication; at most {}"
                            + " (sasl.server.max.receive.size) are accepted until a client has authenticated",
                    ctx.channel().remoteAddress(),
                    size,
                    maxBytesBeforeAuthentication);
            failed = true;
            releaseHeld();
            ctx.close();
            return false;
        }
        return true;
    }

    private void deliver(ByteBuf whole) {
        long size = whole.readableBytes();
        try {
            ctx.fireChannelRead(whole); // the connection releases the buffer before returning
        } finally {
            memory.release(size);
        }
    }

    /** Called on a releasing thread: retries on this connection's event loop. */
    private void memoryReleased() {
        try {
            ctx.executor().execute(this::retryAfterRelease);
        } catch (RejectedExecutionException e) {
            // the listener is shutting down: nothing left to read
        }
    }

    private void retryAfterRelease() {
        if (!waitingForMemory) {
            return;
        }
        waitingForMemory = false;
        cut();
        if (!waitingForMemory) {
            pauses.resume(ReadPauses.MEMORY);
        }
    }

    private void fail(Exception problem) {
        failed = true;
        releaseHeld();
        ctx.fireExceptionCaught(problem);
    }

    private void releaseHeld() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        failed = true;
        waitingForMemory = false;
        releaseHeld();
        if (frame != null) {
            frame.release();
            frame = null;
            memory.release(frameSize);
        }
    }
}
