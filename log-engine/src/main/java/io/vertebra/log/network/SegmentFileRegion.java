package io.vertebra.log.network;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A slice of a segment file sent with {@code FileChannel.transferTo} (sendfile on Linux: the bytes go from the
 * page cache to the socket without entering the JVM). Unlike Netty's DefaultFileRegion it never closes the
 * channel: the segment owns it and outlives the send (deleted segments are closed only after a delay).
 */
final class SegmentFileRegion extends AbstractReferenceCounted implements FileRegion {
    private final FileChannel file;
    private final long position;
    private final long count;
    private long transferred;

    SegmentFileRegion(FileChannel file, long position, long count) {
        this.file = file;
        this.position = position;
        this.count = count;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long transferTo(WritableByteChannel target, long relativePosition) throws IOException {
        long remaining = count - relativePosition;
        if (remaining <= 0) {
            return 0;
        }
        long written = file.transferTo(position + relativePosition, remaining, target);
        if (written == 0 && file.size() < position + count) {
            throw new IOException(
                    "segment file shrank under a pending send (" + file.size() + " < " + (position + count) + ")");
        }
        transferred += written;
        return written;
    }

    @Override
    protected void deallocate() {
        // the segment owns the channel
    }

    @Override
    public FileRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public FileRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public FileRegion touch() {
        return this;
    }

    @Override
    public FileRegion touch(Object hint) {
        return this;
    }
}
