package io.vertebra.log.replication;

import io.vertebra.log.metadata.BrokerImage;
import io.vertebra.log.security.ListenerSecurity;
import io.vertebra.log.storage.PartitionLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower side of replication: one fetcher thread per leader broker pulls the partitions this broker
 * follows from it with the Kafka Fetch API (as replica {@code brokerId}), appends what comes back, follows the
 * leader's high watermark, and truncates when the leader reports that this log diverged (its last epoch ends
 * earlier on the leader). Partitions move between fetchers as the metadata moves their leaders.
 */
public final class ReplicaFetchers implements Partitions.RoleListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaFetchers.class);

    private final int brokerId;
    private final Partitions partitions;
    private final int maxWaitMs;
    private final int maxBytes;
    private final ListenerSecurity security;
    private final Map<Integer, Fetcher> fetchers = new ConcurrentHashMap<>();
    private final LongAdder bytesFetched = new LongAdder();
    private volatile boolean closed;

    /** {@code security}: how to reach the other brokers' listeners (TLS, SASL as the inter-broker user). */
    public ReplicaFetchers(
            int brokerId, Partitions partitions, int maxWaitMs, int maxBytes, ListenerSecurity security) {
        this.brokerId = brokerId;
        this.partitions = partitions;
        this.maxWaitMs = maxWaitMs;
        this.maxBytes = maxBytes;
        this.security = security;
    }

    @Override
    public synchronized void onRoleChange(Partition partition, boolean leader) {
        TopicPartition tp = partition.topicPartition();
        int leaderId = partition.role().leaderId();
        for (Fetcher f : fetchers.values()) {
            if (f.leaderId != leaderId || leader) {
                f.remove(tp);
            }
        }
        if (!leader && leaderId >= 0 && leaderId != brokerId && !closed) {
            fetchers.computeIfAbsent(leaderId, id -> {
                        Fetcher f = new Fetcher(id);
                        f.start();
                        return f;
                    })
                    .add(partition);
        }
    }

    @Override
    public synchronized void onRemoved(Partition partition) {
        for (Fetcher f : fetchers.values()) {
            f.remove(partition.topicPartition());
        }
    }

    /** One leader broker's fetch loop. */
    private final class Fetcher extends Thread {
        final int leaderId;
        private final Map<TopicPartition, Partition> assigned = new ConcurrentHashMap<>();
        private BrokerConnection connection;
        /** The last authentication failure logged, so a failing leader is reported once, not every retry. */
        private String loggedRefusal;

        private volatile boolean running = true;

        Fetcher(int leaderId) {
            super("replica-fetcher-" + brokerId + "-from-" + leaderId);
            setDaemon(true);
            this.leaderId = leaderId;
        }

        void add(Partition partition) {
            assigned.put(partition.topicPartition(), partition);
            synchronized (this) {
                notifyAll();
            }
        }

        void remove(TopicPartition tp) {
            assigned.remove(tp);
        }

        @Override
        public void run() {
            while (running && !closed) {
                try {
                    if (assigned.isEmpty()) {
                        synchronized (this) {
                            wait(100);
                        }
                        continue;
                    }
                    fetchOnce();
                } catch (InterruptedException e) {
                    return;
                } catch (BrokerConnection.AuthenticationFailed e) {
                    closeConnection();
                    if (!e.getMessage().equals(loggedRefusal)) {
                        loggedRefusal = e.getMessage();
                        log.warn("cannot fetch from broker {}: {}", leaderId, e.getMessage());
                    }
                    pause(1000);
                } catch (IOException | RuntimeException e) {
                    closeConnection();
                    log.debug("fetch from broker {} failed: {}", leaderId, e.toString());
                    pause(100);
                }
            }
            closeConnection();
        }

        private void pause(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                running = false;
                Thread.currentThread().interrupt();
            }
        }

        private void closeConnection() {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }

        private BrokerConnection connection() throws IOException {
            if (connection == null) {
                BrokerImage leader = partitions.image().brokers().get(leaderId);
                if (leader == null) {
                    throw new IOException("broker " + leaderId + " is not registered");
                }
                connection = BrokerConnection.open(leader.host(), leader.port(), "replica-" + brokerId, 2000, security);
                loggedRefusal = null;
            }
            return connection;
        }

        private void fetchOnce() throws IOException {
            Map<TopicPartition, Partition> batch = new LinkedHashMap<>(assigned);
            Map<Uuid, List<Partition>> byTopic = new LinkedHashMap<>();
            Map<TopicPartition, Integer> epochs = new HashMap<>();
            FetchRequestData data = new FetchRequestData()
                    .setReplicaState(new FetchRequestData.ReplicaState()
                            .setReplicaId(brokerId)
                            .setReplicaEpoch(-1))
                    .setMaxWaitMs(maxWaitMs)
                    .setMinBytes(1)
                    .setMaxBytes(10 * maxBytes)
                    .setIsolationLevel((byte) 0)
                    .setSessionId(FetchMetadata.INVALID_SESSION_ID)
                    .setSessionEpoch(FetchMetadata.FINAL_EPOCH);
            for (Partition partition : batch.values()) {
                Partition.Role role = partition.role();
                if (role.leader() || role.leaderId() != leaderId) {
                    continue;
                }
                epochs.put(partition.topicPartition(), role.leaderEpoch());
                byTopic.computeIfAbsent(partition.topicId(), id -> new ArrayList<>())
                        .add(partition);
            }
            if (byTopic.isEmpty()) {
                pause(20);
                return;
            }
            for (Map.Entry<Uuid, List<Partition>> topic : byTopic.entrySet()) {
                FetchRequestData.FetchTopic fetchTopic = new FetchRequestData.FetchTopic().setTopicId(topic.getKey());
                for (Partition partition : topic.getValue()) {
                    PartitionLog partitionLog = partition.log();
                    fetchTopic
                            .partitions()
                            .add(new FetchRequestData.FetchPartition()
                                    .setPartition(partition.topicPartition().partition())
                                    .setCurrentLeaderEpoch(epochs.get(partition.topicPartition()))
                                    .setFetchOffset(partitionLog.logEndOffset())
                                    .setLastFetchedEpoch(
                                            partitionLog.epochs().latestEpoch().orElse(-1))
                                    .setLogStartOffset(partitionLog.logStartOffset())
                                    .setPartitionMaxBytes(maxBytes));
                }
                data.topics().add(fetchTopic);
            }
            short version = ApiKeys.FETCH.latestVersion();
            FetchResponse response =
                    (FetchResponse) connection().send(new FetchRequest(data, version), maxWaitMs + 5000);
            if (response.error() != Errors.NONE) {
                pause(50);
                return;
            }
            boolean backOff = false;
            for (FetchResponseData.FetchableTopicResponse topic :
                    response.data().responses()) {
                List<Partition> sent = byTopic.get(topic.topicId());
                if (sent == null) {
                    continue;
                }
                for (FetchResponseData.PartitionData p : topic.partitions()) {
                    Partition partition = null;
                    for (Partition candidate : sent) {
                        if (candidate.topicPartition().partition() == p.partitionIndex()) {
                            partition = candidate;
                        }
                    }
                    if (partition == null) {
                        continue;
                    }
                    backOff |= !process(partition, epochs.get(partition.topicPartition()), p);
                }
            }
            if (backOff) {
                pause(50);
            }
        }

        /** Applies one partition's fetch result; returns false when the fetcher should back off. */
        private boolean process(Partition partition, int leaderEpoch, FetchResponseData.PartitionData p) {
            Errors error = Errors.forCode(p.errorCode());
            PartitionLog partitionLog = partition.log();
            if (error == Errors.OFFSET_OUT_OF_RANGE) {
                if (p.logStartOffset() > partitionLog.logEndOffset()) {
                    partition.resetAsFollower(p.logStartOffset(), leaderEpoch);
                } else if (p.highWatermark() >= 0 && p.highWatermark() < partitionLog.logEndOffset()) {
                    partition.truncateAsFollower(p.highWatermark(), leaderEpoch);
                }
                return true;
            }
            if (error != Errors.NONE) {
                return false;
            }
            FetchResponseData.EpochEndOffset diverging = p.divergingEpoch();
            if (diverging.epoch() >= 0 || diverging.endOffset() >= 0) {
                long[] local = partitionLog.epochs().endOffsetFor(diverging.epoch(), partitionLog.logEndOffset());
                long truncateTo;
                if (local[0] == diverging.epoch()) {
                    truncateTo = Math.min(diverging.endOffset(), local[1]);
                } else if (local[0] >= 0) {
                    truncateTo = local[1]; // our epoch ends here; the next fetch narrows it further if needed
                } else {
                    truncateTo = diverging.endOffset();
                }
                log.info(
                        "{}: log diverged from leader {} (epoch {} ends at {}); truncating to {}",
                        partition.topicPartition(),
                        leaderId,
                        diverging.epoch(),
                        diverging.endOffset(),
                        truncateTo);
                partition.truncateAsFollower(Math.min(truncateTo, partitionLog.logEndOffset()), leaderEpoch);
                return true;
            }
            MemoryRecords records = (MemoryRecords) FetchResponse.recordsOrFail(p);
            for (MutableRecordBatch batch : records.batches()) {
                batch.ensureValid();
            }
            if (partition.appendFromLeader(records, leaderEpoch, p.highWatermark(), p.logStartOffset())) {
                bytesFetched.add(records.sizeInBytes());
            }
            return true;
        }

        void shutdown() {
            running = false;
            interrupt();
        }
    }

    /** Bytes of record data appended from leaders so far (thread-safe). */
    public long bytesFetched() {
        return bytesFetched.sum();
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Fetcher f : fetchers.values()) {
            f.shutdown();
        }
        fetchers.clear();
    }
}
