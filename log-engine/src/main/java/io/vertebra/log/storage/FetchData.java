package io.vertebra.log.storage;

import org.apache.kafka.common.record.internal.Records;

/**
 * What a read returns: where it started and the bytes, a {@code FileRecords} slice of a segment file for
 * zero-copy sends. {@code firstBatchOffset} is the base offset of the first batch returned.
 */
public record FetchData(LogOffsetMetadata start, Records records, long firstBatchOffset) {}
