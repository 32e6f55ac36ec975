package io.vertebra.log.controller;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.MetadataRecord;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The ordered, durable log of metadata changes that every broker applies as a state machine. A single node
 * uses a local file ({@link LocalMetadataLog}); a cluster uses a Raft group. Both apply committed records with
 * {@link MetadataImage#apply} and publish each new image to the listener, in log order, on one thread.
 */
public interface MetadataLog extends AutoCloseable {
    /** Replays what is stored (publishing the resulting image) and starts accepting appends. */
    void start(MetadataListener listener) throws IOException;

    /**
     * Appends {@code records} atomically. The future completes with the image that includes them once they are
     * committed (durable on a majority) and applied here; it fails when this node cannot write (e.g. it is not
     * the controller leader and cannot reach it).
     */
    CompletableFuture<MetadataImage> append(List<MetadataRecord> records);

    /** The latest applied image. */
    MetadataImage image();

    @Override
    void close();

    /** Receives every new image, in order, on the log's apply thread. Must not block for long. */
    @FunctionalInterface
    interface MetadataListener {
        void onImage(MetadataImage previous, MetadataImage next);
    }
}
