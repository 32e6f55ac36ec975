package io.vertebra.log.group;

/**
 * A group's committed position in one partition, as the consumer sent it, with the time the coordinator
 * accepted it (for expiry). {@code leaderEpoch} is -1 when the client did not send one.
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {}
