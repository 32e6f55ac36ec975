package io.vertebra.connect.parquet.store;

import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * The name of a committed file, {@code <topic>+<partition>+<startOffset>.parquet}: the Kafka offset of its first
 * record is in the name, so the store itself says how far each partition has been written (Kafka topic names
 * cannot contain {@code +}). A file being written has the hidden name
 * {@code .<topic>+<partition>+<startOffset>.<unique>.tmp} in the same directory until it is committed.
 */
public record LakeFileName(String topic, int partition, long startOffset) {
    public static final String SUFFIX = ".parquet";
    private static final String TEMP_SUFFIX = ".tmp";

    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    public String fileName() {
        return topic + "+" + partition + "+" + startOffset + SUFFIX;
    }

    public String tempFileName(String unique) {
        return "." + topic + "+" + partition + "+" + startOffset + "." + unique + TEMP_SUFFIX;
    }

    /** The committed file this name denotes, or empty when the name is not one of ours. */
    public static Optional<LakeFileName> parse(String fileName) {
        if (!fileName.endsWith(SUFFIX) || fileName.startsWith(".")) {
            return Optional.empty();
        }
        return parseStem(fileName.substring(0, fileName.length() - SUFFIX.length()));
    }

    /** The file a temporary name was for, or empty when the name is not one of our temporary files. */
    public static Optional<LakeFileName> parseTemp(String fileName) {
        if (!fileName.startsWith(".") || !fileName.endsWith(TEMP_SUFFIX)) {
            return Optional.empty();
        }
        String stem = fileName.substring(1, fileName.length() - TEMP_SUFFIX.length());
        int dot = stem.lastIndexOf('.');
        return dot < 0 ? Optional.empty() : parseStem(stem.substring(0, dot));
    }

    private static Optional<LakeFileName> parseStem(String stem) {
        int second = stem.lastIndexOf('+');
        int first = second <= 0 ? -1 : stem.lastIndexOf('+', second - 1);
        if (first <= 0) {
            return Optional.empty();
        }
        try {
            int partition = Integer.parseInt(stem.substring(first + 1, second));
            long offset = Long.parseLong(stem.substring(second + 1));
            if (partition < 0 || offset < 0) {
                return Optional.empty();
            }
            return Optional.of(new LakeFileName(stem.substring(0, first), partition, offset));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
