package io.vertebra.log.network;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.protocol.RequestDispatcher;
import io.vertebra.log.protocol.handler.ApiVersionsHandler;
import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.security.SaslAuthentication;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.network.ByteBufferSend;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Requests are parsed and dispatched in arrival order on this connection's event-loop
 * thread; responses leave in the same order (Kafka's per-connection ordering guarantee) even when a later
 * request finishes first: each request takes a slot in {@link #inFlight} and slots are written from the head
 * as they complete. When too many requests are pending, or the socket cannot take more responses, reading
 * pauses (backpressure) until they drain.
 *
 * <p>Bad input: a frame that cannot be parsed, a negative size prefix or one above
 * {@code socket.request.max.bytes} (refused by {@link RequestFrames} before any allocation) closes this connection
 * only; nothing is stored and other connections are unaffected. The frame's buffer is released before
 * {@link #channelRead} returns: {@link RequestFrames} then gives its bytes back to the request memory budget.
 *
 * <p>Security: on a TLS listener the pipeline decrypts before this handler and record data leaves as chunks
 * instead of file regions; on a SASL listener every request goes through {@link SaslAuthentication} until it
 * completes. The principal handlers see is the SASL user, else the TLS client certificate's subject, else
 * ANONYMOUS.
 */
final class KafkaConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(KafkaConnection.class);
    private static final int MAX_IN_FLIGHT = 128;
    private static final ClientMistakes mistakes = new ClientMistakes(log, System::nanoTime);

    private final RequestDispatcher dispatcher;
    private final ApiVersionsHandler apiVersions;
    private final ListenerSecurity security;
    private final RequestObserver observer;
    private final ReadPauses pauses;
    private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private String connectionId;
    private InetSocketAddress remote;
    private SaslAuthentication sasl;
    private KafkaPrincipal principal;
    private boolean flushNeeded;
    /** An answer that ends the connection was queued: later frames are ignored. */
    private boolean closing;

    /** A request waiting for its turn to be answered. */
    private static final class Slot {
        final RequestHeader header;
        final boolean noResponse;
        final long receivedNs;
        /** The request answered, for an error answer when its response cannot be written; null for raw slots. */
        AbstractRequest request;

        boolean done;
        Send send;

        Slot(RequestHeader header, boolean noResponse, long receivedNs) {
            this.header = header;
            this.noResponse = noResponse;
            this.receivedNs = receivedNs;
        }
    }

    KafkaConnection(
            RequestDispatcher dispatcher,
            ApiVersionsHandler apiVersions,
            ListenerSecurity security,
            RequestObserver observer,
            ReadPauses pauses) {
        this.dispatcher = dispatcher;
        this.apiVersions = apiVersions;
        this.security = security;
        this.observer = observer;
        this.pauses = pauses;
    }

    /** Whether this connection waits for its SASL authentication (then frames are held to a small size). */
    boolean authenticating() {
        return sasl != null && !sasl.complete();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        remote = (InetSocketAddress) ctx.channel().remoteAddress();
        connectionId = ctx.channel().localAddress() + "-" + remote;
        if (security.sasl()) {
            sasl = security.newAuthentication(connectionId, observer);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        long receivedNs = System.nanoTime();
        try {
            if (closing) {
                return;
            }
            ByteBuffer buffer = frame.nioBuffer();
            if (sasl != null && sasl.expectsRawToken()) {
                rawToken(buffer);
                return;
            }
            if (buffer.remaining() >= 8) { // api key, version and correlation id
                short apiKey = buffer.getShort(buffer.position());
                short version = buffer.getShort(buffer.position() + 2);
                if (apiKey == ApiKeys.API_VERSIONS.id && !ApiKeys.API_VERSIONS.isVersionSupported(version)) {
                    // KIP-511: answer a too-new ApiVersions with v0 and the versions we support.
                    int correlationId = buffer.getInt(buffer.position() + 4);
                    Slot slot = new Slot(null, false, receivedNs);
                    inFlight.add(slot);
                    complete(slot, apiVersions.unsupportedVersionSend(correlationId));
                    return;
                }
            }
            RequestDispatcher.Parsed parsed = RequestDispatcher.parse(buffer);
            if (parsed.problem() != null) {
                closeOnMistake(parsed);
                return;
            }
            RequestHeader header = parsed.header();
            if (sasl != null && !sasl.complete()) {
                SaslAuthentication.Reply reply = sasl.onRequest(header, parsed.request());
                if (reply != null) {
                    answerBeforeAuthentication(header, receivedNs, reply);
                    return;
                }
            }
            boolean noResponse = header.apiKey() == ApiKeys.PRODUCE && ((ProduceRequest) parsed.request()).acks() == 0;
            Slot slot = new Slot(header, noResponse, receivedNs);
            slot.request = parsed.request();
            inFlight.add(slot);
            RequestContext context = new RequestContext(header, connectionId, remote.getAddress(), principal());
            CompletableFuture<AbstractResponse> response = dispatcher.dispatch(context, parsed.request());
            if (response.isDone()) {
                complete(slot, response.join());
            } else {
                response.whenComplete((r, t) -> ctx.executor().execute(() -> {
                    complete(slot, r);
                    flushIfNeeded();
                }));
            }
        } finally {
            frame.release();
        }
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            pauses.pause(ReadPauses.BACKPRESSURE);
        }
    }

    /**
     * A request that cannot be served: a version outside what ApiVersions advertises, or a body that does not
     * parse at its version. As Kafka does, the connection is closed (there is no answer a client of an unknown
     * version is sure to read); the node log gets a rate-limited warning naming the client and the API.
     */
    private void closeOnMistake(RequestDispatcher.Parsed parsed) {
        RequestHeader header = parsed.header();
        if (header == null) {
            mistakes.warn("header " + remote.getAddress(), "closing {}: {}", connectionId, parsed.problem());
        } else if (!header.apiKey().isVersionSupported(header.apiVersion())) {
            mistakes.warn(
                    "version " + header.clientId() + " " + header.apiKey(),
                    "closing {}: client '{}' sent {} v{}; this broker serves v{} to v{} of it",
                    connectionId,
                    header.clientId(),
                    header.apiKey(),
                    header.apiVersion(),
                    header.apiKey().oldestVersion(),
                    header.apiKey().latestVersion());
        } else {
            mistakes.warn(
                    "body " + header.clientId() + " " + header.apiKey(),
                    "closing {}: client '{}' sent a malformed request: {}",
                    connectionId,
                    header.clientId(),
                    parsed.problem());
        }
        ctx.close();
    }

    private void answerBeforeAuthentication(RequestHeader header, long receivedNs, SaslAuthentication.Reply reply) {
        if (reply.response() != null) {
            Slot slot = new Slot(header, false, receivedNs);
            inFlight.add(slot);
            complete(slot, reply.response());
        }
        if (reply.close()) {
            closeAfterFlush();
        }
    }

    /** A raw SASL token after a v0 handshake: answered with the server's raw token, or the connection closed. */
    private void rawToken(ByteBuffer frame) {
        byte[] challenge;
        try {
            challenge = sasl.onRawToken(frame);
        } catch (SaslException e) {
            closeAfterFlush();
            return;
        }
        ByteBuffer sizePrefixed = ByteBuffer.allocate(4 + challenge.length);
        sizePrefixed.putInt(challenge.length).put(challenge).flip();
        Slot slot = new Slot(null, false, 0);
        inFlight.add(slot);
        complete(slot, new ByteBufferSend(sizePrefixed));
    }

    /** Sends what is queued, then closes; frames that arrive meanwhile are dropped. */
    private void closeAfterFlush() {
        closing = true;
        pauses.pause(ReadPauses.CLOSING);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * Who sent this connection's requests: ANONYMOUS until SASL completes (only ApiVersions is served then), then
     * fixed — the SASL user, else the TLS client certificate's subject, else ANONYMOUS.
     */
    private KafkaPrincipal principal() {
        if (principal == null) {
            if (sasl != null) {
                if (!sasl.complete()) {
                    return KafkaPrincipal.ANONYMOUS;
                }
                principal = sasl.principal();
            } else {
                SslHandler tls = ctx.pipeline().get(SslHandler.class);
                principal = tls == null ? KafkaPrincipal.ANONYMOUS : certificatePrincipal(tls);
            }
        }
        return principal;
    }

    private static KafkaPrincipal certificatePrincipal(SslHandler tls) {
        try {
            return new KafkaPrincipal(
                    KafkaPrincipal.USER_TYPE,
                    tls.engine().getSession().getPeerPrincipal().getName());
        } catch (SSLPeerUnverifiedException e) {
            return KafkaPrincipal.ANONYMOUS; // the client presented no certificate
        }
    }

    private void complete(Slot slot, AbstractResponse response) {
        if (slot.send == null && response != null && slot.header != null) {
            slot.send = toSend(slot, response);
            observer.onResponse(slot.header, slot.receivedNs, response);
        }
        complete(slot, slot.send);
    }

    /**
     * The response as bytes at the request's version. A response that version cannot carry is a broker bug:
     * logged (rate-limited) and answered with UNKNOWN_SERVER_ERROR at that version instead of a closed
     * connection, which clients would take for a network failure and retry forever.
     */
    private Send toSend(Slot slot, AbstractResponse response) {
        try {
            return RequestDispatcher.toSend(slot.header, response);
        } catch (RuntimeException e) {
            if (slot.request == null) {
                throw e;
            }
            mistakes.error(
                    "serialize " + slot.header.apiKey() + " " + slot.header.apiVersion(),
                    "BUG: cannot write a {} v{} response for client '{}': {}; answering UNKNOWN_SERVER_ERROR",
                    slot.header.apiKey(),
                    slot.header.apiVersion(),
                    slot.header.clientId(),
                    e.toString());
            return RequestDispatcher.toSend(
                    slot.header,
                    slot.request.getErrorResponse(
                            new UnknownServerException("the broker could not write its answer at this version")));
        }
    }

    private void complete(Slot slot, Send send) {
        slot.send = send;
        slot.done = true;
        while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
            Slot head = inFlight.pollFirst();
            if (head.noResponse || head.send == null || !ctx.channel().isActive()) {
                continue;
            }
            try {
                NettySendChannel.write(ctx, head.send, security.tls() == null);
                flushNeeded = true;
            } catch (IOException e) {
                log.warn("closing {}: cannot write a response: {}", connectionId, e.toString());
                ctx.close();
                return;
            }
        }
        maybeResumeReading();
    }

    private void maybeResumeReading() {
        if (pauses.paused(ReadPauses.BACKPRESSURE)
                && inFlight.size() < MAX_IN_FLIGHT / 2
                && ctx.channel().isWritable()) {
            pauses.resume(ReadPauses.BACKPRESSURE);
        }
    }

    private void flushIfNeeded() {
        if (flushNeeded) {
            flushNeeded = false;
            ctx.flush();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushIfNeeded();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            maybeResumeReading();
        } else {
            pauses.pause(ReadPauses.BACKPRESSURE);
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable tlsCause = cause instanceof DecoderException ? cause.getCause() : cause;
        if (tlsCause instanceof NotSslRecordException) {
            // never Netty's message: it dumps the first bytes, which may hold a plaintext client's secrets
            log.info("closing {}: it does not speak TLS (a plaintext client on this TLS listener?)", connectionId);
        } else if (tlsCause instanceof SSLException) {
            log.info("closing {}: TLS failed: {}", connectionId, tlsCause.getMessage());
        } else if (cause instanceof TooLongFrameException || cause instanceof CorruptedFrameException) {
            log.debug("closing {}: bad frame: {}", connectionId, cause.getMessage());
        } else if (cause instanceof IOException) {
            log.debug("closing {}: {}", connectionId, cause.toString());
        } else {
            log.warn("closing {} after an unexpected error", connectionId, cause);
        }
        ctx.close();
    }
}
