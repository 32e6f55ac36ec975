package io.vertebra.log.protocol.handler;

import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.TopicImage;
import io.vertebra.log.metrics.TopicMetrics;
import io.vertebra.log.protocol.ApiHandler;
import io.vertebra.log.protocol.RequestContext;
import io.vertebra.log.replication.DelayedOperations;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import io.vertebra.log.replication.ReplicaFetchTracker;
import io.vertebra.log.storage.FetchData;
import io.vertebra.log.storage.LogOffsetMetadata;
import io.vertebra.log.storage.PartitionLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Records;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * Fetch, for consumers (up to the high watermark) and follower replicas (up to the log end, reporting their
 * position to the leader). Record data is returned as slices of the segment files, sent by sendfile. When less
 * than {@code fetch.min.bytes} is available the request is parked until enough arrives or
 * {@code fetch.max.wait.ms} passes. Supports incremental fetch sessions ({@link FetchSessions}).
 */
public final class FetchHandler implements ApiHandler {
    private final Partitions partitions;
    private final DelayedOperations delayed;
    private final FetchSessions sessions;
    private final ReplicaFetchTracker replicaTracker;
    private final TopicMetrics metrics;

    public FetchHandler(
            Partitions partitions,
            DelayedOperations delayed,
            FetchSessions sessions,
            ReplicaFetchTracker replicaTracker,
            TopicMetrics metrics) {
        this.partitions = partitions;
        this.delayed = delayed;
        this.sessions = sessions;
        this.replicaTracker = replicaTracker;
        this.metrics = metrics;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, AbstractRequest request) {
        FetchRequest fetch = (FetchRequest) request;
        FetchRequestData data = fetch.data();
        int replicaId = fetch.replicaId();
        boolean follower = replicaId >= 0;
        short version = context.apiVersion();
        MetadataImage image = partitions.image();

        List<FetchSessions.Entry> requested = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            String name = topic.topic();
            Uuid id = topic.topicId() == null ? Uuid.ZERO_UUID : topic.topicId();
            if (version >= 13) {
                TopicImage t = image.topic(id);
                name = t == null ? null : t.name();
            } else {
                TopicImage t = name == null ? null : image.topic(name);
                id = t == null ? Uuid.ZERO_UUID : t.id();
            }
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                FetchSessions.Entry e = new FetchSessions.Entry(new TopicIdPartition(
                        version >= 13 ? topic.topicId() : id, p.partition(), name == null ? topic.topic() : name));
                e.fetchOffset = p.fetchOffset();
                e.currentLeaderEpoch = p.currentLeaderEpoch();
                e.lastFetchedEpoch = p.lastFetchedEpoch();
                e.followerLogStartOffset = p.logStartOffset();
                e.maxBytes = p.partitionMaxBytes();
                requested.add(e);
            }
        }
        List<TopicIdPartition> forgotten = new ArrayList<>();
        for (FetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
            String name = topic.topic();
            Uuid id = topic.topicId() == null ? Uuid.ZERO_UUID : topic.topicId();
            if (version >= 13) {
                TopicImage t = image.topic(id);
                name = t == null ? null : t.name();
            } else {
                TopicImage t = name == null ? null : image.topic(name);
                id = t == null ? Uuid.ZERO_UUID : t.id();
            }
            for (int p : topic.partitions()) {
                forgotten.add(new TopicIdPartition(
                        version >= 13 ? topic.topicId() : id, p, name == null ? topic.topic() : name));
            }
        }

        FetchSessions.Context session;
        try {
            session = sessions.open(data.sessionId(), data.sessionEpoch(), requested, forgotten, version >= 7);
        } catch (ApiException e) {
            FetchResponseData error = new FetchResponseData()
                    .setErrorCode(Errors.forException(e).code())
                    .setSessionId(data.sessionId());
            return CompletableFuture.completedFuture(FetchResponse.of(error));
        }

        Read first = read(session, follower, replicaId, data.maxBytes());
        if (follower) {
            replicaTracker.onFollowerFetch(replicaId, first.fetched);
        }
        if (data.maxWaitMs() <= 0
                || first.bytes >= Math.max(1, data.minBytes())
                || first.hasError
                || first.watched.isEmpty()) {
            return CompletableFuture.completedFuture(respond(session, first, version, follower));
        }
        CompletableFuture<AbstractResponse> done = new CompletableFuture<>();
        int minBytes = Math.max(1, data.minBytes());
        delayed.park(
                DelayedOperations.Kind.FETCH,
                first.watched,
                data.maxWaitMs(),
                () -> availableBytes(first, follower) >= minBytes,
                () -> {
                    try {
                        Read again = read(session, follower, replicaId, data.maxBytes());
                        done.complete(respond(session, again, version, follower));
                    } catch (RuntimeException e) {
                        done.completeExceptionally(e);
                    }
                });
        return done;
    }

    /** One pass over the session's partitions. */
    private static final class Read {
        final Map<FetchSessions.Entry, FetchResponseData.PartitionData> results = new LinkedHashMap<>();
        final List<Partition> watched = new ArrayList<>();
        final Map<Partition, LogOffsetMetadata> startPositions = new LinkedHashMap<>();
        final Map<Partition, Long> fetched = new LinkedHashMap<>();
        long bytes;
        boolean hasError;
    }

    private Read read(FetchSessions.Context session, boolean follower, int replicaId, int maxResponseBytes) {
        Read read = new Read();
        int remaining = maxResponseBytes <= 0 ? Integer.MAX_VALUE : maxResponseBytes;
        for (FetchSessions.Entry entry : session.entries()) {
            FetchResponseData.PartitionData result =
                    new FetchResponseData.PartitionData().setPartitionIndex(entry.partition.partition());
            read.results.put(entry, result);
            try {
                if (entry.partition.topic() == null) {
                    throw new UnknownTopicIdException("unknown topic id " + entry.partition.topicId());
                }
                TopicPartition tp = entry.partition.topicPartition();
                Partition partition = partitions.get(tp);
                if (partition == null) {
                    partitions.getOrThrow(tp);
                    throw new UnknownTopicOrPartitionException("this server does not host " + tp);
                }
                partition.requireLeader(entry.currentLeaderEpoch);
                PartitionLog log = partition.log();
                if (follower) {
                    replicaTracker.checkDivergence(partition, entry.fetchOffset, entry.lastFetchedEpoch, result);
                    if (result.divergingEpoch().epoch() >= 0) {
                        continue;
                    }
                }
                LogOffsetMetadata limit = follower ? log.logEndMetadata() : log.highWatermarkMetadata();
                int maxBytes = Math.min(entry.maxBytes <= 0 ? Integer.MAX_VALUE : entry.maxBytes, remaining);
                FetchData data = log.read(entry.fetchOffset, maxBytes, limit, read.bytes == 0);
                int size = data.records().sizeInBytes();
                read.bytes += size;
                remaining -= Math.min(remaining, size);
                read.watched.add(partition);
                read.startPositions.put(partition, data.start());
                read.fetched.put(partition, entry.fetchOffset);
                result.setHighWatermark(log.highWatermark())
                        .setLastStableOffset(log.highWatermark())
                        .setLogStartOffset(log.logStartOffset())
                        .setRecords(data.records());
            } catch (ApiException e) {
                read.hasError = true;
                PartitionLog log = null;
                Partition partition =
                        entry.partition.topic() == null ? null : partitions.get(entry.partition.topicPartition());
                if (partition != null) {
                    log = partition.log();
                }
                result.setErrorCode(Errors.forException(e).code())
                        .setHighWatermark(log == null ? FetchResponse.INVALID_HIGH_WATERMARK : log.highWatermark())
                        .setLastStableOffset(
                                log == null ? FetchResponse.INVALID_LAST_STABLE_OFFSET : log.highWatermark())
                        .setLogStartOffset(log == null ? FetchResponse.INVALID_LOG_START_OFFSET : log.logStartOffset())
                        .setRecords(MemoryRecords.EMPTY);
            }
        }
        return read;
    }

    /** Counts the record data about to be sent: consumer traffic per topic, or replication traffic. */
    private void count(FetchSessions.Entry entry, FetchResponseData.PartitionData data, boolean follower) {
        if (data.records() == null || data.records().sizeInBytes() == 0 || entry.partition.topic() == null) {
            return;
        }
        if (follower) {
            metrics.replicaFetched(data.records().sizeInBytes());
        } else if (data.records() instanceof Records records) {
            metrics.topic(entry.partition.topic()).fetched(records, entry.fetchOffset);
        }
    }

    /** Bytes now available past where the first pass stopped reading (approximate across segments). */
    private static long availableBytes(Read read, boolean follower) {
        long total = read.bytes;
        for (Map.Entry<Partition, LogOffsetMetadata> e : read.startPositions.entrySet()) {
            Partition partition = e.getKey();
            if (!partition.isLeader()) {
                return Long.MAX_VALUE;
            }
            PartitionLog log = partition.log();
            LogOffsetMetadata end = follower ? log.logEndMetadata() : log.highWatermarkMetadata();
            LogOffsetMetadata start = e.getValue();
            long fetchOffset = read.fetched.get(partition);
            if (end.offset() <= fetchOffset) {
                continue;
            }
            if (start.segmentBaseOffset() == end.segmentBaseOffset() && start.position() >= 0) {
                total += Math.max(0, end.position() - start.position());
            } else {
                return Long.MAX_VALUE;
            }
        }
        return total;
    }

    private FetchResponse respond(FetchSessions.Context session, Read read, short version, boolean follower) {
        FetchResponseData response = new FetchResponseData().setSessionId(session.sessionId());
        Map<String, FetchResponseData.FetchableTopicResponse> topics = new LinkedHashMap<>();
        for (Map.Entry<FetchSessions.Entry, FetchResponseData.PartitionData> e : read.results.entrySet()) {
            FetchSessions.Entry entry = e.getKey();
            FetchResponseData.PartitionData data = e.getValue();
            count(entry, data, follower);
            if (session.incremental()) {
                boolean news = data.errorCode() != Errors.NONE.code()
                        || (data.records() != null && data.records().sizeInBytes() > 0)
                        || data.highWatermark() != entry.sentHighWatermark
                        || data.logStartOffset() != entry.sentLogStartOffset
                        || data.divergingEpoch().epoch() >= 0;
                if (!news) {
                    continue;
                }
            }
            entry.sentHighWatermark = data.highWatermark();
            entry.sentLogStartOffset = data.logStartOffset();
            TopicIdPartition tp = entry.partition;
            String key = version >= 13 ? tp.topicId().toString() : String.valueOf(tp.topic());
            FetchResponseData.FetchableTopicResponse topic = topics.computeIfAbsent(key, k -> {
                FetchResponseData.FetchableTopicResponse t = new FetchResponseData.FetchableTopicResponse()
                        .setTopic(tp.topic() == null ? "" : tp.topic())
                        .setTopicId(tp.topicId());
                response.responses().add(t);
                return t;
            });
            topic.partitions().add(data);
        }
        return FetchResponse.of(response);
    }
}
