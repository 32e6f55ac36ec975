package io.vertebra.connect.parquet.writer;

import io.vertebra.connect.parquet.store.CommitFooter;
import io.vertebra.connect.parquet.store.LakeFileName;
import io.vertebra.connect.parquet.store.LakeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The records of one topic partition on their way into the lake. Records go to one open file per directory
 * (the partitioner's choice); all open files form the partition's pending <em>commit</em>, published together
 * when the commit rotates: after {@code flush.size} records, when record time passes {@code rotate.interval.ms},
 * when the wall clock passes {@code rotate.schedule.interval.ms}, or before a record with a different schema.
 *
 * <p>{@link #nextOffset()} is the first offset not yet published; records below it are duplicates redelivered
 * after a rewind and are skipped. On a store failure the caller {@link #abort()}s the pending commit and rewinds
 * the consumer. Task thread only; methods that touch the store throw {@link IOException}.
 */
final class TopicPartitionWriter {
    private final TopicPartition tp;
    private final LakeStore store;
    private final WriterSettings settings;
    private final Map<String, OpenFile> files = new LinkedHashMap<>();
    /** Where bad records go when the connector tolerates errors; null fails the task on a bad record. */
    private final ErrantRecordReporter badRecords;

    /** First offset not in a published commit, or -1 when the store has nothing of this partition yet. */
    private long publishedNext;
    /** First offset this writer accepts (publishedNext, or past records already pending). */
    private long nextOffset;

    private Schema schema;
    private long firstOffset = -1;
    private long lastOffset = -1;
    private int records;
    private long baseRecordTimeMs;
    private long openedWallMs;
    private long commits;

    TopicPartitionWriter(
            TopicPartition tp,
            LakeStore store,
            WriterSettings settings,
            ErrantRecordReporter badRecords,
            long publishedNext) {
        this.tp = tp;
        this.badRecords = badRecords;
        this.store = store;
        this.settings = settings;
        this.publishedNext = publishedNext;
        this.nextOffset = publishedNext;
    }

    TopicPartition topicPartition() {
        return tp;
    }

    /** First offset not yet published to the store, or -1 when nothing of this partition is in the store. */
    long publishedNext() {
        return publishedNext;
    }

    long nextOffset() {
        return nextOffset;
    }

    /** The first offset of the pending commit, or -1 when nothing is pending. */
    long pendingFirstOffset() {
        return firstOffset;
    }

    /** Writes one record (which may first publish the pending commit). Skips records below {@link #nextOffset}. */
    void write(SinkRecord record, long nowMs) throws IOException {
        long offset = record.originalKafkaOffset();
        if (offset < nextOffset) {
            return;
        }
        Object value = record.value();
        if (value == null) {
            if (!settings.ignoreNullValues()) {
                reject(
                        record,
                        new DataException("record " + tp + "@" + offset + " has a null value (a tombstone);"
                                + " set behavior.on.null.values=ignore to skip such records"));
            }
            nextOffset = offset + 1;
            return;
        }
        Schema valueSchema = record.valueSchema();
        long recordTimeMs;
        String directory;
        try {
            if (valueSchema == null) {
                throw new DataException("record " + tp + "@" + offset + " has no value schema; the Parquet sink"
                        + " needs schemas: use value.converter.schemas.enable=true with the JSON converter, or a"
                        + " converter with a schema registry");
            }
            if (badRecords != null) {
                // with a reporter a bad record is skipped, so it must be caught before any of it is written
                ConnectSchema.validateValue(valueSchema, value);
            }
            recordTimeMs =
                    settings.rotateIntervalMs() > 0 ? settings.timestamps().timestampMs(record) : 0;
            directory = settings.partitioner().directoryFor(record);
        } catch (DataException e) {
            reject(record, e);
            nextOffset = offset + 1;
            return;
        }
        if (records > 0) {
            if (valueSchema != schema && !valueSchema.equals(schema)) {
                commit();
            } else if (settings.rotateIntervalMs() > 0
                    && recordTimeMs - baseRecordTimeMs >= settings.rotateIntervalMs()) {
                commit();
            }
        }
        if (records == 0) {
            schema = valueSchema;
            firstOffset = offset;
            baseRecordTimeMs = recordTimeMs;
            openedWallMs = nowMs;
        }
        OpenFile file = files.get(directory);
        if (file == null) {
            LakeFileName name = new LakeFileName(tp.topic(), tp.partition(), offset);
            file = OpenFile.create(store.newFile(directory, name), valueSchema, settings);
            files.put(directory, file);
        }
        file.write(value);
        records++;
        lastOffset = offset;
        nextOffset = offset + 1;
        if (records >= settings.flushSize()) {
            commit();
        }
    }

    /** Fails the task with the record's problem, or hands the record to the errant-record reporter and skips it. */
    private void reject(SinkRecord record, DataException problem) {
        if (badRecords == null) {
            throw problem;
        }
        badRecords.report(record, problem);
    }

    /** Publishes the pending commit if the wall-clock rotation interval has passed. */
    void rotateOnSchedule(long nowMs) throws IOException {
        if (records > 0
                && settings.rotateScheduleIntervalMs() > 0
                && nowMs - openedWallMs >= settings.rotateScheduleIntervalMs()) {
            commit();
        }
    }

    /**
     * Closes every open file with a footer describing the commit, then publishes them. If this throws, some
     * files may be visible: the caller aborts the rest and runs recovery, which rolls the partial commit back.
     */
    void commit() throws IOException {
        if (records == 0) {
            return;
        }
        CommitFooter footer = new CommitFooter(firstOffset, lastOffset, files.size());
        List<OpenFile> pending = new ArrayList<>(files.values());
        for (OpenFile file : pending) {
            file.close(footer);
        }
        for (OpenFile file : pending) {
            file.publish();
        }
        files.clear();
        commits++;
        publishedNext = lastOffset + 1;
        records = 0;
        firstOffset = -1;
        schema = null;
    }

    /** Drops the pending commit; its records must be consumed again from {@link #pendingFirstOffset()}. */
    void abort() {
        for (OpenFile file : files.values()) {
            file.abort();
        }
        files.clear();
        records = 0;
        firstOffset = -1;
        schema = null;
        nextOffset = publishedNext;
    }

    /** How many commits this writer has published; a change means the store accepted data. */
    long commits() {
        return commits;
    }

    int pendingRecords() {
        return records;
    }
}
