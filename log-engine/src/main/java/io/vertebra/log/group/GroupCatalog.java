package io.vertebra.log.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.kafka.common.protocol.Errors;

/**
 * The groups this broker coordinates, and which {@code __consumer_offsets} partitions they come from: a group
 * belongs to partition {@code abs(groupId.hashCode()) % partitions}, and only the leader of that partition
 * coordinates it. A partition is LOADING while its records are replayed, then ACTIVE until leadership moves.
 * Touched only on the coordinator thread.
 */
final class GroupCatalog {
    enum PartitionStatus {
        LOADING,
        ACTIVE
    }

    private final Map<Integer, PartitionStatus> partitions = new HashMap<>();
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final IntSupplier partitionCount;
    private final GroupScheduler scheduler;

    /** @param partitionCount the partition count of {@code __consumer_offsets} (the configured one until it exists) */
    GroupCatalog(IntSupplier partitionCount, GroupScheduler scheduler) {
        this.partitionCount = partitionCount;
        this.scheduler = scheduler;
    }

    int partitionFor(String groupId) {
        return OffsetsTopic.partitionFor(groupId, partitionCount.getAsInt());
    }

    /**
     * NONE when this broker coordinates {@code groupId} now; else the error the client acts on: INVALID_GROUP_ID
     * (null, or empty unless {@code emptyAllowed}), NOT_COORDINATOR (find the coordinator again),
     * COORDINATOR_LOAD_IN_PROGRESS (retry soon).
     */
    Errors check(String groupId, boolean emptyAllowed) {
        if (groupId == null || (groupId.isEmpty() && !emptyAllowed)) {
            return Errors.INVALID_GROUP_ID;
        }
        PartitionStatus status = partitions.get(partitionFor(groupId));
        if (status == null) {
            return Errors.NOT_COORDINATOR;
        }
        return status == PartitionStatus.LOADING ? Errors.COORDINATOR_LOAD_IN_PROGRESS : Errors.NONE;
    }

    /** The group, or null when unknown here. */
    ClassicGroup get(String groupId) {
        return groups.get(groupId);
    }

    /** Whether {@code group} is still the live instance under its id (not removed, unloaded or replaced). */
    boolean isCurrent(ClassicGroup group) {
        return groups.get(group.groupId) == group && !group.is(GroupState.DEAD);
    }

    ClassicGroup create(String groupId) {
        ClassicGroup group = new ClassicGroup(groupId, partitionFor(groupId), scheduler.nowMs());
        groups.put(groupId, group);
        return group;
    }

    /** Forgets {@code group} and marks it Dead; the caller has settled its members and timers. */
    void remove(ClassicGroup group) {
        groups.remove(group.groupId, group);
        group.transitionTo(GroupState.DEAD, scheduler.nowMs());
    }

    Collection<ClassicGroup> all() {
        return new ArrayList<>(groups.values());
    }

    boolean anyLoading() {
        return partitions.containsValue(PartitionStatus.LOADING);
    }

    PartitionStatus status(int partition) {
        return partitions.get(partition);
    }

    void startLoading(int partition) {
        partitions.put(partition, PartitionStatus.LOADING);
    }

    /** Makes a loaded partition's groups live. */
    void activate(int partition, Collection<ClassicGroup> loaded) {
        for (ClassicGroup group : loaded) {
            groups.put(group.groupId, group);
        }
        partitions.put(partition, PartitionStatus.ACTIVE);
    }

    /** Stops coordinating {@code partition}; returns its groups, already forgotten, for the caller to settle. */
    List<ClassicGroup> unload(int partition) {
        partitions.remove(partition);
        List<ClassicGroup> removed = new ArrayList<>();
        for (Iterator<ClassicGroup> it = groups.values().iterator(); it.hasNext(); ) {
            ClassicGroup group = it.next();
            if (group.offsetsPartition == partition) {
                it.remove();
                removed.add(group);
            }
        }
        return removed;
    }

    Map<Integer, PartitionStatus> partitions() {
        return Map.copyOf(partitions);
    }
}
