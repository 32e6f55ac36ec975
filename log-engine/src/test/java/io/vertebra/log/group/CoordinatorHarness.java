package io.vertebra.log.group;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * A {@link GroupCoordinator} over a manual clock, an in-memory log and a loader the test runs by hand, with
 * helpers that send the requests a Kafka client would. Each helper runs the coordinator's queued work before it
 * returns, so a returned future is done unless the coordinator parked it.
 */
final class CoordinatorHarness {
    static final int PARTITIONS = 3;
    static final String TOPIC = "orders";
    static final Uuid TOPIC_ID = Uuid.randomUuid();
    static final int INITIAL_DELAY_MS = 3000;
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 30_000;
    static final long RETENTION_MS = 24 * 3600_000L;

    final ManualScheduler scheduler = new ManualScheduler(1_000_000L);
    /** Whether {@link #TOPIC} exists (tests delete it). */
    volatile boolean topicExists = true;

    final InMemoryGroupLog log;
    final QueuedExecutor loader = new QueuedExecutor();
    final GroupCoordinator coordinator;

    CoordinatorHarness() {
        this(config(10), new InMemoryGroupLog());
    }

    CoordinatorHarness(GroupCoordinatorConfig config, InMemoryGroupLog log) {
        this.log = log;
        TopicDirectory topics = new TopicDirectory() {
            @Override
            public boolean exists(TopicPartition partition) {
                return topicExists
                        && partition.topic().equals(TOPIC)
                        && partition.partition() >= 0
                        && partition.partition() < 6;
            }

            @Override
            public String nameOf(Uuid id) {
                return topicExists && TOPIC_ID.equals(id) ? TOPIC : null;
            }

            @Override
            public Uuid idOf(String name) {
                return topicExists && TOPIC.equals(name) ? TOPIC_ID : null;
            }

            @Override
            public boolean isCurrent() {
                return true;
            }
        };
        coordinator = new GroupCoordinator(config, scheduler, () -> {}, log, topics, null, () -> PARTITIONS, loader);
    }

    static GroupCoordinatorConfig config(int maxGroupSize) {
        return new GroupCoordinatorConfig(
                PARTITIONS,
                (short) 1,
                GroupCoordinatorConfig.DEFAULT_SEGMENT_BYTES,
                RETENTION_MS,
                600_000L,
                5_000L,
                100,
                INITIAL_DELAY_MS,
                1_000,
                60_000,
                maxGroupSize,
                300_000);
    }

    /** Becomes leader of every offsets partition and finishes loading. */
    CoordinatorHarness loadAll() {
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            scheduler.execute(() -> coordinator.loadPartition(partition));
        }
        scheduler.runPending();
        loader.runAll();
        scheduler.runPending();
        return this;
    }

    int partitionOf(String groupId) {
        return Math.abs(groupId.hashCode()) % PARTITIONS;
    }

    // ------------------------------------------------------------------------------------------- requests

    static byte[] subscription(String... topics) {
        ByteBuffer buffer =
                ConsumerProtocol.serializeSubscription(new ConsumerPartitionAssignor.Subscription(List.of(topics)));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    static JoinGroupRequestData joinRequest(String groupId, String memberId, String instanceId, String... protocols) {
        JoinGroupRequestProtocolCollection collection = new JoinGroupRequestProtocolCollection();
        for (String protocol : protocols) {
            collection.add(new JoinGroupRequestProtocol().setName(protocol).setMetadata(subscription(TOPIC)));
        }
        return new JoinGroupRequestData()
                .setGroupId(groupId)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setProtocolType("consumer")
                .setSessionTimeoutMs(SESSION_MS)
                .setRebalanceTimeoutMs(REBALANCE_MS)
                .setProtocols(collection);
    }

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData request, int version) {
        CompletableFuture<JoinGroupResponseData> response =
                coordinator.joinGroup(request, new Requester("client", "/127.0.0.1", (short) version));
        scheduler.runPending();
        return response;
    }

    CompletableFuture<JoinGroupResponseData> join(String groupId, String memberId) {
        return join(joinRequest(groupId, memberId, null, "range"), 9);
    }

    /** A new dynamic member: the MEMBER_ID_REQUIRED round trip, then the parked JoinGroup with the new id. */
    Joining joinNew(String groupId) {
        JoinGroupResponseData first = join(groupId, "").join();
        assertTrue(
                first.errorCode() == Errors.MEMBER_ID_REQUIRED.code(),
                "expected MEMBER_ID_REQUIRED, got " + Errors.forCode(first.errorCode()));
        return new Joining(first.memberId(), join(groupId, first.memberId()));
    }

    record Joining(String memberId, CompletableFuture<JoinGroupResponseData> response) {}

    CompletableFuture<SyncGroupResponseData> sync(
            String groupId, String memberId, int generation, Map<String, byte[]> assignments) {
        SyncGroupRequestData request = new SyncGroupRequestData()
                .setGroupId(groupId)
                .setMemberId(memberId)
                .setGenerationId(generation)
                .setProtocolType("consumer")
                .setProtocolName("range");
        assignments.forEach((member, bytes) -> request.assignments()
                .add(new SyncGroupRequestAssignment().setMemberId(member).setAssignment(bytes)));
        CompletableFuture<SyncGroupResponseData> response = coordinator.syncGroup(request);
        scheduler.runPending();
        return response;
    }

    Errors heartbeat(String groupId, String memberId, int generation) {
        return heartbeat(groupId, memberId, null, generation);
    }

    Errors heartbeat(String groupId, String memberId, String instanceId, int generation) {
        CompletableFuture<HeartbeatResponseData> response = coordinator.heartbeat(new HeartbeatRequestData()
                .setGroupId(groupId)
                .setMemberId(memberId)
                .setGroupInstanceId(instanceId)
                .setGenerationId(generation));
        scheduler.runPending();
        return Errors.forCode(response.join().errorCode());
    }

    LeaveGroupResponseData leave(String groupId, MemberIdentity... members) {
        CompletableFuture<LeaveGroupResponseData> response = coordinator.leaveGroup(groupId, List.of(members));
        scheduler.runPending();
        return response.join();
    }

    CompletableFuture<OffsetCommitResponseData> commit(
            String groupId, String memberId, int generation, int partition, long offset) {
        OffsetCommitRequestData request = new OffsetCommitRequestData()
                .setGroupId(groupId)
                .setMemberId(memberId)
                .setGenerationIdOrMemberEpoch(generation)
                .setTopics(List.of(new OffsetCommitRequestTopic()
                        .setName(TOPIC)
                        .setPartitions(List.of(new OffsetCommitRequestPartition()
                                .setPartitionIndex(partition)
                                .setCommittedOffset(offset)
                                .setCommittedLeaderEpoch(4)
                                .setCommittedMetadata("m" + offset)))));
        CompletableFuture<OffsetCommitResponseData> response = coordinator.commitOffsets(request, (short) 9);
        scheduler.runPending();
        return response;
    }

    static Errors commitError(OffsetCommitResponseData response) {
        return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
    }

    /** The committed offset of {@link #TOPIC} partition {@code partition} (-1 when none). */
    long committed(String groupId, int partition) {
        OffsetFetchResponseGroup group = fetch(new OffsetFetchRequestGroup()
                .setGroupId(groupId)
                .setTopics(List.of(
                        new OffsetFetchRequestTopics().setName(TOPIC).setPartitionIndexes(List.of(partition)))));
        assertTrue(group.errorCode() == 0, "offset fetch failed: " + Errors.forCode(group.errorCode()));
        return group.topics().get(0).partitions().get(0).committedOffset();
    }

    OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup request) {
        CompletableFuture<List<OffsetFetchResponseGroup>> response =
                coordinator.fetchOffsets(List.of(request), (short) 9);
        scheduler.runPending();
        return response.join().get(0);
    }

    GroupState state(String groupId) {
        CompletableFuture<GroupState> state = new CompletableFuture<>();
        scheduler.execute(() -> state.complete(coordinator.stateOf(groupId)));
        scheduler.runPending();
        return state.join();
    }

    /** An executor whose tasks run when the test says so (the partition loader). */
    static final class QueuedExecutor extends AbstractExecutorService {
        private final Deque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }
}
