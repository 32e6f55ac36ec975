package io.vertebra.connect.parquet.store;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.parquet.io.PositionOutputStream;

/**
 * The stream parquet-hadoop writes a file through. {@link #close()} first syncs the bytes to durable storage
 * where the store can ({@code hsync}: HDFS, local files), so a rename that follows never publishes a file whose
 * bytes a machine crash could still lose. {@link #abort()} drops the file without publishing it.
 */
final class SyncingOutputStream extends PositionOutputStream {
    private static final String ABORTABLE = "fs.capability.outputstream.abortable";
    private final FSDataOutputStream out;
    private boolean closed;

    SyncingOutputStream(FSDataOutputStream out) {
        this.out = out;
    }

    @Override
    public long getPos() throws IOException {
        return out.getPos();
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (out.hasCapability(StreamCapabilities.HSYNC)) {
            out.hsync();
        }
        out.close();
    }

    /** Drops the data: an S3 multipart upload is aborted, other streams are closed (the caller deletes). */
    void abort() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (out.hasCapability(ABORTABLE)) {
                out.abort();
            } else {
                out.close();
            }
        } catch (IOException | RuntimeException ignored) {
            // the file is being thrown away; the store cleans up what is left on the next recovery
        }
    }
}
