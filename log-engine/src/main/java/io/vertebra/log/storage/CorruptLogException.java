package io.vertebra.log.storage;

import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * A partition's log holds a corrupt batch with valid data after it (not a torn tail), or was quarantined for
 * one earlier: the log does not open, its corrupt segments are in {@link Quarantine}, and the message says which
 * offsets and bytes were found bad. Clients of the partition see KAFKA_STORAGE_ERROR.
 */
public final class CorruptLogException extends KafkaStorageException {
    private static final long serialVersionUID = 1L;

    public CorruptLogException(String message) {
        super(message);
    }
}
