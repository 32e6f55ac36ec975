package io.vertebra.connect.parquet.store;

import java.util.Map;
import java.util.Optional;

/**
 * What every committed file says about the commit it belongs to, in its Parquet footer's key-value metadata.
 *
 * <p>One commit publishes all files a topic partition has open at once (one per directory when records spread
 * over several); together they hold every record from {@code firstOffset} to {@code lastOffset} of that
 * partition that was written, and there are {@code files} of them. Publishing several files is not atomic, so
 * after a crash the store may show only some files of the last commit: recovery counts them, and when any is
 * missing it removes the others and resumes from {@code firstOffset} (see {@code PartitionRecovery}).
 */
public record CommitFooter(long firstOffset, long lastOffset, int files) {
    public static final String FIRST_OFFSET = "vertebra.commit.first.offset";
    public static final String LAST_OFFSET = "vertebra.commit.last.offset";
    public static final String FILES = "vertebra.commit.files";

    public Map<String, String> toMetadata() {
        return Map.of(
                FIRST_OFFSET, Long.toString(firstOffset),
                LAST_OFFSET, Long.toString(lastOffset),
                FILES, Integer.toString(files));
    }

    /** The commit described by a footer, or empty when the file was not written by this sink. */
    public static Optional<CommitFooter> fromMetadata(Map<String, String> metadata) {
        String first = metadata.get(FIRST_OFFSET);
        String last = metadata.get(LAST_OFFSET);
        String files = metadata.get(FILES);
        if (first == null || last == null || files == null) {
            return Optional.empty();
        }
        return Optional.of(new CommitFooter(Long.parseLong(first), Long.parseLong(last), Integer.parseInt(files)));
    }
}
