package io.vertebra.connect.parquet.store;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * One file on its way into the lake: parquet-hadoop writes it through {@link #create}, closes it, and
 * {@link #publish()} makes it visible under its final name; {@link #abort()} throws it away instead. Used by the
 * task thread only.
 */
public final class PendingFile implements OutputFile {
    private final FileSystem fs;
    private final CommitProtocol protocol;
    private final Path finalPath;
    private final Path writePath;
    private SyncingOutputStream stream;
    private boolean published;

    PendingFile(FileSystem fs, CommitProtocol protocol, Path finalPath, Path writePath) {
        this.fs = fs;
        this.protocol = protocol;
        this.finalPath = finalPath;
        this.writePath = writePath;
    }

    public Path finalPath() {
        return finalPath;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
        return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
        stream = new SyncingOutputStream(fs.create(writePath, true));
        return stream;
    }

    @Override
    public boolean supportsBlockSize() {
        return false;
    }

    @Override
    public long defaultBlockSize() {
        return 0;
    }

    @Override
    public String getPath() {
        return finalPath.toString();
    }

    /**
     * Makes the closed file visible under its final name. For {@link CommitProtocol#MULTIPART_UPLOAD} closing
     * already did; for {@link CommitProtocol#RENAME} this renames the synced temporary file.
     */
    public void publish() throws IOException {
        if (published || protocol == CommitProtocol.MULTIPART_UPLOAD) {
            published = true;
            return;
        }
        if (!fs.rename(writePath, finalPath)) {
            // a left-over of a commit that recovery rolled back, or a concurrent writer: the new data wins
            if (fs.exists(finalPath) && fs.delete(finalPath, false) && fs.rename(writePath, finalPath)) {
                published = true;
                return;
            }
            throw new IOException("cannot rename " + writePath + " to " + finalPath);
        }
        published = true;
    }

    /** Throws the file away unless it was published; never throws. */
    public void abort() {
        if (published) {
            return;
        }
        if (stream != null) {
            stream.abort();
        }
        if (protocol == CommitProtocol.RENAME) {
            try {
                fs.delete(writePath, false);
            } catch (IOException | RuntimeException ignored) {
                // recovery deletes temporary left-overs the next time this partition is opened
            }
        }
    }
}
