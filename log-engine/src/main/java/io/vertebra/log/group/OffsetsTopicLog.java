package io.vertebra.log.group;

import io.vertebra.log.record.ProduceBatches;
import io.vertebra.log.replication.DelayedOperations;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.storage.AppendResult;
import io.vertebra.log.storage.FetchData;
import io.vertebra.log.storage.LogOffsetMetadata;
import io.vertebra.log.storage.PartitionLog;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's records in the real {@code __consumer_offsets} partitions: appends as leader with
 * {@code acks=all} semantics (acknowledged once the high watermark passes the batch, parked on
 * {@link DelayedOperations} meanwhile, like an acks=all produce) and replay of a whole partition for loading.
 * The only class of the group package that touches kafka-clients' record-batch classes.
 */
public final class OffsetsTopicLog implements GroupLog {
    private static final Logger log = LoggerFactory.getLogger(OffsetsTopicLog.class);
    public static final String TOPIC = Topic.GROUP_METADATA_TOPIC_NAME;
    private static final int REPLAY_READ_BYTES = 1024 * 1024;

    private final Partitions partitions;
    private final DelayedOperations delayed;
    private final Time time;
    private final long commitTimeoutMs;

    /**
     * @param commitTimeoutMs how long an append may wait for the in-sync replicas before it fails with
     *     REQUEST_TIMED_OUT (Kafka's {@code offsets.commit.timeout.ms})
     */
    public OffsetsTopicLog(Partitions partitions, DelayedOperations delayed, Time time, long commitTimeoutMs) {
        this.partitions = partitions;
        this.delayed = delayed;
        this.time = time;
        this.commitTimeoutMs = commitTimeoutMs;
    }

    @Override
    public CompletableFuture<Long> append(int partitionIndex, List<GroupRecord> records) {
        TopicPartition tp = new TopicPartition(TOPIC, partitionIndex);
        Partition partition = partitions.get(tp);
        if (partition == null) {
            return CompletableFuture.failedFuture(
                    new NotLeaderOrFollowerException("broker " + partitions.brokerId() + " does not host " + tp));
        }
        AppendResult result;
        try {
            MemoryRecords batch = batch(records, time.milliseconds());
            int max = partition.log().config().maxMessageBytes();
            if (batch.sizeInBytes() > max) {
                throw new RecordTooLargeException("a batch of " + records.size() + " group record(s) takes "
                        + batch.sizeInBytes() + " bytes, more than max.message.bytes=" + max + " of " + tp);
            }
            result = partition.appendAsLeader(
                    batch, new ProduceBatches.Summary(1, records.size(), false, false), (short) -1);
        } catch (ApiException e) {
            return CompletableFuture.failedFuture(e);
        }
        long lastOffset = result.lastOffset();
        if (partition.isReplicatedUpTo(lastOffset + 1)) {
            return CompletableFuture.completedFuture(lastOffset);
        }
        CompletableFuture<Long> done = new CompletableFuture<>();
        delayed.park(
                List.of(partition),
                commitTimeoutMs,
                () -> partition.isReplicatedUpTo(lastOffset + 1) || !partition.isLeader(),
                () -> {
                    if (partition.isReplicatedUpTo(lastOffset + 1)) {
                        done.complete(lastOffset);
                    } else if (!partition.isLeader()) {
                        done.completeExceptionally(new NotLeaderOrFollowerException(
                                "leadership of " + tp + " moved before the group records were replicated"));
                    } else {
                        done.completeExceptionally(new TimeoutException("the in-sync replicas of " + tp
                                + " did not acknowledge the group records within " + commitTimeoutMs + " ms"));
                    }
                });
        return done;
    }

    private static MemoryRecords batch(List<GroupRecord> records, long nowMs) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(256 * records.size() + 128),
                RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                0L);
        for (GroupRecord record : records) {
            GroupRecords.KeyValue kv = GroupRecords.encode(record);
            builder.append(nowMs, kv.key(), kv.value());
        }
        return builder.build();
    }

    @Override
    public void replay(int partitionIndex, RecordSink sink) {
        TopicPartition tp = new TopicPartition(TOPIC, partitionIndex);
        Partition partition = partitions.get(tp);
        if (partition == null) {
            return;
        }
        PartitionLog partitionLog = partition.log();
        LogOffsetMetadata end = partitionLog.logEndMetadata();
        long offset = partitionLog.logStartOffset();
        while (offset < end.offset()) {
            FetchData data = partitionLog.read(offset, REPLAY_READ_BYTES, end, true);
            long next = offset;
            for (RecordBatch batch : data.records().batches()) {
                next = batch.nextOffset();
                if (batch.isControlBatch()) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() < offset || !record.hasKey()) {
                        continue;
                    }
                    try {
                        sink.accept(
                                record.offset(),
                                GroupRecords.decode(record.key(), record.hasValue() ? record.value() : null));
                    } catch (IllegalStateException e) {
                        log.error(
                                "skipping unreadable record at offset {} of {}: {}",
                                record.offset(),
                                tp,
                                e.getMessage());
                    }
                }
            }
            if (next <= offset) {
                break;
            }
            offset = next;
        }
    }
}
