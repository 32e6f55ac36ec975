package io.vertebra.log.group;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.controller.Controller;
import io.vertebra.log.replication.DelayedOperations;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer group coordinator of this broker (classic protocol): the entry point of the group API handlers.
 *
 * <p>It coordinates the groups whose {@code __consumer_offsets} partition this broker leads. As a
 * {@link Partitions.RoleListener} it hears leadership changes of those partitions (on the metadata thread):
 * on becoming leader it replays the partition on a loader thread (requests for its groups get
 * COORDINATOR_LOAD_IN_PROGRESS meanwhile), on losing it forgets the groups (NOT_COORDINATOR, parked requests
 * included).
 *
 * <p>Threading: callers (network threads) never touch group state; every method hands its work to the single
 * coordinator thread and returns a future completed there. Nothing here blocks the caller.
 */
public final class GroupCoordinator implements Partitions.RoleListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);

    private final GroupScheduler scheduler;
    private final AutoCloseable schedulerResource;
    private final GroupLog groupLog;
    private final GroupCoordinatorConfig config;
    private final GroupCatalog catalog;
    private final Rebalance rebalance;
    private final GroupMembership membership;
    private final GroupOffsets offsets;
    private final GroupAdmin admin;
    private final OffsetsTopic offsetsTopic;
    private final ExecutorService loader;
    /** Offsets partition → id of its latest load, so a load finished after an unload is ignored. */
    private final Map<Integer, Long> loads = new HashMap<>();

    private long nextLoadId;
    private volatile boolean closed;
    private volatile Counts counts = new Counts(0, 0);

    /** How many groups this broker coordinates and how many members they have. */
    public record Counts(int groups, int members) {}

    /**
     * Assembles a coordinator over explicit parts (tests pass a manual scheduler and an in-memory log).
     *
     * @param offsetsTopic where FindCoordinator looks (null in tests that do not need it)
     * @param partitionCount partitions of {@code __consumer_offsets}
     * @param loader runs partition replays; may block on disk
     */
    GroupCoordinator(
            GroupCoordinatorConfig config,
            GroupScheduler scheduler,
            AutoCloseable schedulerResource,
            GroupLog groupLog,
            TopicDirectory topics,
            OffsetsTopic offsetsTopic,
            IntSupplier partitionCount,
            ExecutorService loader) {
        this.config = config;
        this.offsetsTopic = offsetsTopic;
        this.scheduler = scheduler;
        this.schedulerResource = schedulerResource;
        this.groupLog = groupLog;
        this.loader = loader;
        this.catalog = new GroupCatalog(partitionCount, scheduler);
        GroupWriter writer = new GroupWriter(groupLog, scheduler);
        this.rebalance = new Rebalance(catalog, writer, scheduler, config);
        this.membership = new GroupMembership(catalog, rebalance, config);
        this.offsets = new GroupOffsets(catalog, writer, scheduler, config, topics);
        this.admin = new GroupAdmin(catalog, writer, rebalance);
    }

    /**
     * Starts the coordinator of a broker: its thread, the periodic offset expiry, and loading of the offsets
     * partitions this broker already leads; from then on it follows leadership changes.
     */
    public static GroupCoordinator start(
            BrokerConfig brokerConfig,
            Partitions partitions,
            Controller controller,
            DelayedOperations delayed,
            Time time) {
        GroupCoordinatorConfig config = GroupCoordinatorConfig.from(brokerConfig);
        OffsetsTopic offsetsTopic = new OffsetsTopic(controller, config);
        CoordinatorThread thread = new CoordinatorThread(time);
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "group-loader");
            t.setDaemon(true);
            return t;
        });
        GroupCoordinator coordinator = new GroupCoordinator(
                config,
                thread,
                thread,
                new OffsetsTopicLog(partitions, delayed, time, config.offsetCommitTimeoutMs()),
                TopicDirectory.of(partitions::image),
                offsetsTopic,
                offsetsTopic::partitionCount,
                loader);
        partitions.addRoleListener(coordinator);
        for (Partition partition : List.copyOf(partitions.all().values())) {
            if (partition.isLeader()) {
                coordinator.onRoleChange(partition, true);
            }
        }
        coordinator.scheduleExpiry();
        coordinator.scheduleCounts();
        return coordinator;
    }

    /** Refreshes {@link #counts()} every second on the coordinator thread (the group state's only owner). */
    private void scheduleCounts() {
        scheduler.schedule(1000, () -> {
            int groups = 0;
            int members = 0;
            for (ClassicGroup group : catalog.all()) {
                if (!group.is(GroupState.DEAD)) {
                    groups++;
                    members += group.members.size();
                }
            }
            counts = new Counts(groups, members);
            if (!closed) {
                scheduleCounts();
            }
        });
    }

    /** Groups and members as of the last refresh, at most about a second old (any thread). */
    public Counts counts() {
        return counts;
    }

    private void scheduleExpiry() {
        scheduler.schedule(config.offsetsRetentionCheckIntervalMs(), () -> {
            offsets.expire();
            if (!closed) {
                scheduleExpiry();
            }
        });
    }

    // ------------------------------------------------------------------------------------ leadership

    @Override
    public void onRoleChange(Partition partition, boolean leader) {
        if (!partition.topicPartition().topic().equals(OffsetsTopicLog.TOPIC)) {
            return;
        }
        int index = partition.topicPartition().partition();
        scheduler.execute(() -> {
            if (leader) {
                loadPartition(index);
            } else {
                unloadPartition(index);
            }
        });
    }

    @Override
    public void onRemoved(Partition partition) {
        if (partition.topicPartition().topic().equals(OffsetsTopicLog.TOPIC)) {
            int index = partition.topicPartition().partition();
            scheduler.execute(() -> unloadPartition(index));
        }
    }

    /** Coordinator thread: starts coordinating {@code partition} (no-op when already loading or active). */
    void loadPartition(int partition) {
        if (catalog.status(partition) != null || closed) {
            return;
        }
        catalog.startLoading(partition);
        long loadId = ++nextLoadId;
        loads.put(partition, loadId);
        long startMs = scheduler.nowMs();
        log.info("loading groups of partition {} of {}", partition, OffsetsTopicLog.TOPIC);
        loader.execute(() -> {
            GroupReplay replay = new GroupReplay();
            try {
                groupLog.replay(partition, replay);
            } catch (RuntimeException e) {
                log.error("cannot load partition {} of {}", partition, OffsetsTopicLog.TOPIC, e);
                scheduler.execute(() -> {
                    if (Long.valueOf(loadId).equals(loads.get(partition))) {
                        unloadPartition(partition);
                    }
                });
                return;
            }
            scheduler.execute(() -> finishLoad(partition, loadId, replay, startMs));
        });
    }

    private void finishLoad(int partition, long loadId, GroupReplay replay, long startMs) {
        if (!Long.valueOf(loadId).equals(loads.get(partition))
                || catalog.status(partition) != GroupCatalog.PartitionStatus.LOADING) {
            return; // unloaded (or reloaded) while reading
        }
        List<ClassicGroup> groups = replay.groups(catalog, partition);
        catalog.activate(partition, groups);
        groups.forEach(rebalance::resume);
        log.info(
                "coordinating {} group(s) of partition {} of {} ({} records replayed in {} ms)",
                groups.size(),
                partition,
                OffsetsTopicLog.TOPIC,
                replay.recordCount(),
                scheduler.nowMs() - startMs);
    }

    /** Coordinator thread: stops coordinating {@code partition}; its parked requests get NOT_COORDINATOR. */
    void unloadPartition(int partition) {
        unloadPartition(partition, false);
    }

    /** As {@link #unloadPartition(int)}; returns how many groups it unloaded. Quiet when the broker is closing. */
    private int unloadPartition(int partition, boolean closing) {
        if (catalog.status(partition) == null) {
            return 0;
        }
        loads.remove(partition);
        List<ClassicGroup> groups = catalog.unload(partition);
        for (ClassicGroup group : groups) {
            rebalance.abandon(group, Errors.NOT_COORDINATOR);
            group.transitionTo(GroupState.DEAD, scheduler.nowMs());
        }
        if (closing) {
            log.debug(
                    "no longer coordinating partition {} of {} ({} group(s) unloaded)",
                    partition,
                    OffsetsTopicLog.TOPIC,
                    groups.size());
        } else {
            log.info(
                    "no longer coordinating partition {} of {} ({} group(s) unloaded)",
                    partition,
                    OffsetsTopicLog.TOPIC,
                    groups.size());
        }
        return groups.size();
    }

    // ------------------------------------------------------------------------------------------ APIs

    /** Where FindCoordinator finds a group's coordinator (thread-safe, answers without the coordinator thread). */
    public CompletableFuture<Coordinator> findCoordinator(String groupId) {
        return offsetsTopic.coordinatorFor(groupId);
    }

    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, Requester requester) {
        return onThread(() -> membership.join(request, requester));
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return onThread(() -> membership.sync(request));
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        return onThread(() -> CompletableFuture.completedFuture(membership.heartbeat(request)));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(String groupId, List<MemberIdentity> members) {
        return onThread(() -> CompletableFuture.completedFuture(membership.leave(groupId, members)));
    }

    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        return onThread(() -> offsets.commit(request, version));
    }

    public CompletableFuture<List<OffsetFetchResponseGroup>> fetchOffsets(
            List<OffsetFetchRequestGroup> groups, short version) {
        return onThread(() -> {
            List<OffsetFetchResponseGroup> result = new ArrayList<>();
            groups.forEach(g -> result.add(offsets.fetch(g, version)));
            return CompletableFuture.completedFuture(result);
        });
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return onThread(() -> offsets.delete(request));
    }

    public CompletableFuture<ListGroupsResponseData> listGroups(ListGroupsRequestData request) {
        return onThread(() -> CompletableFuture.completedFuture(admin.list(request)));
    }

    public CompletableFuture<List<DescribedGroup>> describeGroups(
            List<String> groupIds, short version, boolean includeAuthorizedOperations) {
        return onThread(() -> {
            List<DescribedGroup> result = new ArrayList<>();
            groupIds.forEach(id -> result.add(admin.describe(id, version, includeAuthorizedOperations)));
            return CompletableFuture.completedFuture(result);
        });
    }

    public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        return onThread(() -> admin.delete(groupIds));
    }

    /** Coordinator thread: deletes expired offsets now (the periodic task calls the same). */
    void expireOffsets() {
        offsets.expire();
    }

    /** The coordinator thread's view of one group's state, for tests; null when unknown. */
    GroupState stateOf(String groupId) {
        ClassicGroup group = catalog.get(groupId);
        return group == null ? null : group.state();
    }

    private <T> CompletableFuture<T> onThread(Supplier<CompletableFuture<T>> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(Errors.NOT_COORDINATOR.exception("the broker is shutting down"));
            return result;
        }
        scheduler.execute(() -> {
            try {
                work.get().whenComplete((value, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(failure);
                    } else {
                        result.complete(value);
                    }
                });
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Answers every parked request with NOT_COORDINATOR and stops the coordinator and loader threads. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<Void> unloaded = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                // one line for the whole shutdown, not one per partition (50 by default)
                List<Integer> coordinated = List.copyOf(catalog.partitions().keySet());
                int groups = 0;
                for (int partition : coordinated) {
                    groups += unloadPartition(partition, true);
                }
                if (!coordinated.isEmpty()) {
                    log.info(
                            "stopped coordinating {} partition(s) of {} ({} group(s) unloaded)",
                            coordinated.size(),
                            OffsetsTopicLog.TOPIC,
                            groups);
                }
            } finally {
                unloaded.complete(null);
            }
        });
        try {
            unloaded.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("group coordinator did not unload its groups in time: {}", e.toString());
        }
        loader.shutdownNow();
        try {
            schedulerResource.close();
        } catch (Exception e) {
            log.warn("error stopping the group coordinator thread", e);
        }
    }
}
