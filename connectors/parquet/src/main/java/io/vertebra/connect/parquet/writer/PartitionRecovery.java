package io.vertebra.connect.parquet.writer;

import io.vertebra.connect.parquet.store.CommitFooter;
import io.vertebra.connect.parquet.store.LakeFileName;
import io.vertebra.connect.parquet.store.LakeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back from the store how far each partition of a topic has been written, with no state kept anywhere
 * else, and cleans up what a crashed writer left:
 *
 * <ol>
 *   <li>Lists the topic's directory once (all depths). Hidden temporary files of the partitions are deleted;
 *       on S3 their pending multipart uploads are aborted.
 *   <li>Per partition, reads the footer of the committed file with the highest start offset: it belongs to the
 *       last commit and says which offsets the commit covered and how many files it published.
 *   <li>If all those files are there, writing resumes after the commit's last offset. If some are missing (the
 *       task died while publishing), the ones present are deleted and writing resumes at the commit's first
 *       offset: the commit is rolled back as a whole, so no record is lost and none is stored twice.
 * </ol>
 *
 * A file without the sink's footer keys (written by another tool) counts as a commit of its own whose last
 * offset is its start offset plus its record count, minus one.
 */
final class PartitionRecovery {
    private static final Logger log = LoggerFactory.getLogger(PartitionRecovery.class);

    private PartitionRecovery() {}

    /**
     * The first offset to consume for each of {@code partitions} of {@code topic}: -1 when the store holds
     * nothing of that partition. Blocks on the store; task thread.
     */
    static Map<Integer, Long> resumeOffsets(LakeStore store, String topic, Set<Integer> partitions) throws IOException {
        Map<Integer, List<CommittedFile>> committed = new HashMap<>();
        for (FileStatus status : store.listTopic(topic)) {
            String name = status.getPath().getName();
            Optional<LakeFileName> file = LakeFileName.parse(name);
            if (file.isPresent()) {
                if (ours(file.get(), topic, partitions)) {
                    committed
                            .computeIfAbsent(file.get().partition(), p -> new ArrayList<>())
                            .add(new CommittedFile(file.get(), status));
                }
                continue;
            }
            Optional<LakeFileName> temp = LakeFileName.parseTemp(name);
            if (temp.isPresent() && ours(temp.get(), topic, partitions)) {
                log.info("Deleting temporary file {} left by an interrupted writer", status.getPath());
                store.delete(status.getPath());
            }
        }
        int aborted = store.abortPendingUploads(topic, name -> ours(name, topic, partitions));
        if (aborted > 0) {
            log.info("Aborted {} pending multipart uploads of {} left by an interrupted writer", aborted, topic);
        }
        Map<Integer, Long> resume = new HashMap<>();
        for (int partition : partitions) {
            List<CommittedFile> files = committed.get(partition);
            resume.put(partition, files == null ? -1L : resumeOffset(store, topic, partition, files));
        }
        return resume;
    }

    private static long resumeOffset(LakeStore store, String topic, int partition, List<CommittedFile> files)
            throws IOException {
        CommittedFile last = files.stream()
                .max(Comparator.comparingLong(f -> f.name().startOffset()))
                .orElseThrow();
        Optional<CommitFooter> footer = CommitFooter.fromMetadata(store.footerMetadata(last.status()));
        if (footer.isEmpty()) {
            return last.name().startOffset() + store.recordCount(last.status());
        }
        CommitFooter commit = footer.get();
        List<CommittedFile> members = files.stream()
                .filter(f -> f.name().startOffset() >= commit.firstOffset()
                        && f.name().startOffset() <= commit.lastOffset())
                .toList();
        if (members.size() >= commit.files()) {
            return commit.lastOffset() + 1;
        }
        log.warn(
                "The last commit of {}-{} (offsets {}..{}) published {} of its {} files before its writer stopped;"
                        + " rolling it back and rewriting from offset {}",
                topic,
                partition,
                commit.firstOffset(),
                commit.lastOffset(),
                members.size(),
                commit.files(),
                commit.firstOffset());
        for (CommittedFile member : members) {
            store.delete(member.status().getPath());
        }
        return commit.firstOffset();
    }

    private static boolean ours(LakeFileName name, String topic, Set<Integer> partitions) {
        return name.topic().equals(topic) && partitions.contains(name.partition());
    }

    private record CommittedFile(LakeFileName name, FileStatus status) {}
}
