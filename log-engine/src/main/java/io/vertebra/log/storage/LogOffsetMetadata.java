package io.vertebra.log.storage;

/**
 * An offset with its place in the log files: the segment holding it and the byte position of its batch. Kept
 * for the log end and the high watermark so a fetch knows where to stop reading without a lookup.
 */
public record LogOffsetMetadata(long offset, long segmentBaseOffset, int position) {
    public static final LogOffsetMetadata UNKNOWN = new LogOffsetMetadata(-1, -1, -1);

    public boolean hasPosition() {
        return segmentBaseOffset >= 0;
    }
}
