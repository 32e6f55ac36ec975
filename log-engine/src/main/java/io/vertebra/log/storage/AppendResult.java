package io.vertebra.log.storage;

/**
 * Where a produce landed: first and last offset assigned, the log-append time when the topic uses it (else
 * -1), and the log start offset; {@code duplicate} when an idempotent retry matched batches already stored.
 */
public record AppendResult(
        long firstOffset,
        long lastOffset,
        long logAppendTimeMs,
        long logStartOffset,
        long recordCount,
        boolean duplicate) {}
