package io.vertebra.log.replication;

import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.security.PlainSaslServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;

/**
 * A blocking Kafka-protocol connection from this broker to another (follower fetches): one request at a time,
 * framed with the 4-byte size prefix, parsed with kafka-clients' message classes. Owned by one thread;
 * after an error, close it and open a new one.
 *
 * <p>Speaks the listener's security: TLS with this broker's key and trust stores, then SASL/PLAIN (a v1
 * handshake and one SaslAuthenticate) as the inter-broker user, before the first request.
 */
final class BrokerConnection implements AutoCloseable {
    private static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String clientId;
    private int correlationId;

    private BrokerConnection(Socket socket, String clientId) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = socket.getOutputStream();
        this.clientId = clientId;
    }

    /** A refusal by the other broker to let this one in (wrong inter-broker credentials or certificate). */
    static final class AuthenticationFailed extends IOException {
        AuthenticationFailed(String message) {
            super(message);
        }
    }

    /**
     * Connects and, as {@code security} asks, completes the TLS handshake and the SASL authentication, each
     * bounded by {@code connectTimeoutMs}. Blocks.
     */
    static BrokerConnection open(
            String host, int port, String clientId, int connectTimeoutMs, ListenerSecurity security)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            Socket connected = socket;
            if (security.tls() != null) {
                socket.setSoTimeout(connectTimeoutMs);
                try {
                    connected = security.tls().connect(socket, host, port);
                } catch (SSLException e) {
                    throw new AuthenticationFailed(
                            "TLS handshake with broker at " + host + ":" + port + " failed: " + e.getMessage());
                }
            }
            BrokerConnection connection = new BrokerConnection(connected, clientId);
            if (security.sasl()) {
                connection.authenticate(security, connectTimeoutMs);
            }
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** SASL/PLAIN as the inter-broker user (KIP-152: v1 handshake, then SaslAuthenticate). */
    private void authenticate(ListenerSecurity security, int timeoutMs) throws IOException {
        String where = "broker at " + socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        SaslHandshakeRequest handshake = new SaslHandshakeRequest.Builder(
                        new SaslHandshakeRequestData().setMechanism(PlainSaslServer.MECHANISM))
                .build((short) 1);
        SaslHandshakeResponse handshakeResponse = (SaslHandshakeResponse) send(handshake, timeoutMs);
        if (handshakeResponse.error() != Errors.NONE) {
            throw new AuthenticationFailed(where + " refused SASL mechanism " + PlainSaslServer.MECHANISM + " ("
                    + handshakeResponse.error() + "); it offers " + handshakeResponse.enabledMechanisms());
        }
        String user = security.interBrokerUser();
        byte[] token = ("\0" + user + "\0" + security.interBrokerPassword().value()).getBytes(StandardCharsets.UTF_8);
        SaslAuthenticateResponse response;
        try {
            response = (SaslAuthenticateResponse) send(
                    new SaslAuthenticateRequest.Builder(new SaslAuthenticateRequestData().setAuthBytes(token))
                            .build((short) 2),
                    timeoutMs);
        } finally {
            Arrays.fill(token, (byte) 0);
        }
        if (response.error() != Errors.NONE) {
            throw new AuthenticationFailed(where + " refused inter-broker user '" + user + "' ("
                    + response.error() + ": " + response.errorMessage() + "); check sasl.inter.broker.username,"
                    + " sasl.inter.broker.password and that broker's sasl.plain.users");
        }
    }

    /** Sends {@code request} and waits at most {@code timeoutMs} for its response. */
    AbstractResponse send(AbstractRequest request, int timeoutMs) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
        ByteBuffer body = request.serializeWithHeader(header);
        byte[] frame = new byte[4 + body.remaining()];
        ByteBuffer.wrap(frame).putInt(body.remaining()).put(body);
        socket.setSoTimeout(timeoutMs);
        out.write(frame);
        out.flush();
        int size = in.readInt();
        if (size < 0 || size > MAX_RESPONSE_BYTES) {
            throw new IOException("bad response size " + size + " from " + socket.getRemoteSocketAddress());
        }
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        ByteBuffer response = ByteBuffer.wrap(bytes);
        ResponseHeader responseHeader =
                ResponseHeader.parse(response, request.apiKey().responseHeaderVersion(request.version()));
        if (responseHeader.correlationId() != header.correlationId()) {
            throw new IOException("response correlation id " + responseHeader.correlationId() + " does not match "
                    + header.correlationId());
        }
        return AbstractResponse.parseResponse(request.apiKey(), new ByteBufferAccessor(response), request.version());
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
