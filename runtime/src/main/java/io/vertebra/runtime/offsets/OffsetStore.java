package io.vertebra.runtime.offsets;

import java.util.Map;

/**
 * Source connector offsets: for each connector, a map from source partition to source offset (both JSON-like
 * maps, as {@code SourceRecord} carries them). Every worker reads all offsets, so a task resumes where it stopped
 * whichever worker runs it. Thread-safe.
 */
public interface OffsetStore extends AutoCloseable {
    void start();

    /** The last committed offset of one source partition, or null. */
    Map<String, Object> offset(String connector, Map<String, ?> partition);

    /** Every committed partition → offset of the connector. */
    Map<Map<String, Object>, Map<String, Object>> offsets(String connector);

    /**
     * Writes offsets (a null offset removes the partition) and returns once the log acknowledged them all.
     *
     * <p>Partitions and offsets follow Kafka Connect's rule: String keys, primitive values (or null).
     *
     * @throws org.apache.kafka.connect.errors.DataException when one does not; nothing is written then
     * @throws org.apache.kafka.connect.errors.ConnectException when the write failed or timed out
     */
    void write(String connector, Map<Map<String, Object>, Map<String, Object>> offsets, long timeoutMs);

    @Override
    void close();
}
