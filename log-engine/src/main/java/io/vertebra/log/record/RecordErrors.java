package io.vertebra.log.record;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;

/**
 * Refusals that name one record of a batch, as Kafka's produce response does in {@code record_errors} (batch index
 * and message): the Kafka exception the error code comes from, plus the record's index within its batch.
 */
public final class RecordErrors {
    private RecordErrors() {}

    /** A refusal naming the record, by its index within the batch, that caused it. */
    public interface AtRecord {
        int batchIndex();
    }

    /** INVALID_RECORD for one record: a null key on a compacted topic, an offset delta out of order. */
    public static final class InvalidRecord extends InvalidRecordException implements AtRecord {
        private final int batchIndex;

        public InvalidRecord(int batchIndex, String message) {
            super(message);
            this.batchIndex = batchIndex;
        }

        @Override
        public int batchIndex() {
            return batchIndex;
        }
    }

    /** INVALID_TIMESTAMP for one record: its timestamp is outside the topic's bounds. */
    public static final class InvalidTimestamp extends InvalidTimestampException implements AtRecord {
        private final int batchIndex;

        public InvalidTimestamp(int batchIndex, String message) {
            super(message);
            this.batchIndex = batchIndex;
        }

        @Override
        public int batchIndex() {
            return batchIndex;
        }
    }
}
