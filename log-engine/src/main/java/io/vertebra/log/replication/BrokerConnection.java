package io.vertebra.log.replication;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * A blocking Kafka-protocol connection from this broker to another (follower fetches): one request at a time,
 * framed with the 4-byte size prefix, parsed with kafka-clients' message classes. Owned by one thread;
 * after an error, close it and open a new one.
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

    static BrokerConnection open(String host, int port, String clientId, int connectTimeoutMs) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            return new BrokerConnection(socket, clientId);
        } catch (IOException e) {
            socket.close();
            throw e;
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
