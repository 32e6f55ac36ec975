package io.vertebra.log;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A blocking Kafka-protocol connection for tests: sends requests built with kafka-clients' message classes (any
 * version, any field, also ones the Java clients would never send) or raw bytes, and reads responses or the
 * server closing the connection.
 */
public final class RawKafkaSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    private RawKafkaSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    public static RawKafkaSocket connect(String bootstrap) {
        String[] hostPort = bootstrap.split(":");
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 10_000);
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            socket.setSoLinger(true, 0); // close with a reset: thousands of test connections leave no TIME_WAIT
            return new RawKafkaSocket(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + bootstrap, e);
        }
    }

    /** Sends {@code request} (at its version) and returns the parsed response. */
    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R send(AbstractRequest request) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-test", ++correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        try {
            writeFrame(frame);
            ByteBuffer response = ByteBuffer.wrap(readFrame());
            return (R) AbstractResponse.parseResponse(response, header);
        } catch (IOException e) {
            throw new UncheckedIOException("no response to " + request.apiKey() + " v" + request.version(), e);
        }
    }

    /**
     * Sends a request message at {@code version} exactly as given (no builder checks) and returns the parsed
     * response; fails if the server closes the connection instead.
     */
    public AbstractResponse send(ApiMessage data, short version) {
        ApiKeys api = ApiKeys.forId(data.apiKey());
        RequestHeader header = new RequestHeader(api, version, "raw-test", ++correlationId);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int headerSize = header.data().size(cache, header.headerVersion());
        ByteBuffer frame = ByteBuffer.allocate(headerSize + data.size(cache, version));
        header.data().write(new ByteBufferAccessor(frame), cache, header.headerVersion());
        data.write(new ByteBufferAccessor(frame), cache, version);
        frame.flip();
        try {
            writeFrame(frame);
            return AbstractResponse.parseResponse(ByteBuffer.wrap(readFrame()), header);
        } catch (IOException e) {
            throw new UncheckedIOException("no response to " + api + " v" + version, e);
        }
    }

    /** Writes a frame with its size prefix. */
    public void writeFrame(ByteBuffer frame) throws IOException {
        byte[] bytes = new byte[4 + frame.remaining()];
        ByteBuffer.wrap(bytes).putInt(frame.remaining()).put(frame);
        out.write(bytes);
        out.flush();
    }

    /** Writes bytes as they are (no size prefix added). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one size-prefixed frame. */
    public byte[] readFrame() throws IOException {
        int size = in.readInt();
        byte[] frame = new byte[size];
        in.readFully(frame);
        return frame;
    }

    /** Signals the end of our input, as a client that has nothing more to send. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Waits until the server either answers (a whole response frame arrives; returned) or closes the connection
     * (returns null). Fails if it does neither within {@code timeout}.
     */
    public byte[] awaitAnswerOrClose(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return readFrame();
        } catch (EOFException | SocketException e) {
            return null;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed the connection within " + timeout);
        }
    }

    /**
     * Reads and discards until the server closes the connection; true if it did within {@code timeout}, false if
     * it kept the connection open.
     */
    public boolean awaitClosedByServer(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // discard: answers to what was sent before the bad input
            }
            return true;
        } catch (EOFException | SocketException e) {
            return true; // reset by the server: closed too
        } catch (SocketTimeoutException e) {
            return false;
        }
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
