/**
 * The consumer group coordinator: Kafka's classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup,
 * static membership) and committed offsets, as Kafka consumers, Kafka Connect workers and the Kafka CLI use them.
 *
 * <h2>Who coordinates a group</h2>
 * A group belongs to partition {@code abs(groupId.hashCode()) % partitions} of {@code __consumer_offsets}
 * ({@link io.vertebra.log.group.OffsetsTopic}, created compacted on the first FindCoordinator); the leader of
 * that partition is its coordinator. Every broker runs a {@link io.vertebra.log.group.GroupCoordinator}; it
 * hears leadership changes of the offsets partitions, replays a partition it starts leading (requests for its
 * groups get COORDINATOR_LOAD_IN_PROGRESS meanwhile) and forgets the groups of a partition it stops leading
 * (NOT_COORDINATOR, so clients look for the new coordinator, which replays the same records).
 *
 * <h2>Threads</h2>
 * All group state belongs to one thread, "group-coordinator" ({@link io.vertebra.log.group.CoordinatorThread}).
 * Handlers on network threads hand it their request and get a future back; JoinGroup and SyncGroup futures stay
 * open while a rebalance runs, no thread waits for them. Session, rebalance, sync and initial-delay timers run
 * on the same thread. Replaying a partition (disk reads) happens on "group-loader" and the result is installed on
 * the coordinator thread. Appends to {@code __consumer_offsets} are made on the coordinator thread; their
 * acknowledgement (high watermark past the batch) may come from a replica fetch on another thread and is brought
 * back to the coordinator thread before any state changes.
 *
 * <h2>Persistence</h2>
 * Committed offsets and each group's metadata (generation, protocol, leader, members with their assignments)
 * are records in the group's offsets partition, in the encoding drawn in
 * {@link io.vertebra.log.group.GroupRecords}; deletions are tombstones, so compaction keeps the topic small. An
 * offset commit is acknowledged, and becomes visible to OffsetFetch, only once its records are replicated as the
 * topic requires; a rebalance is complete (Stable) only once the leader's assignment is stored. After a restart
 * or a failover a group comes back as it was last stored: with members (Stable, their sessions running again)
 * or Empty with its offsets.
 *
 * <h2>Classes</h2>
 * {@link io.vertebra.log.group.GroupMembership} validates member requests, {@link io.vertebra.log.group.Rebalance}
 * runs the join and sync phases and the timers, {@link io.vertebra.log.group.StaticMemberRejoin} handles a
 * returning static member, {@link io.vertebra.log.group.GroupOffsets} commits, fetches, deletes and expires
 * offsets, {@link io.vertebra.log.group.GroupAdmin} lists, describes and deletes groups,
 * {@link io.vertebra.log.group.GroupCatalog} knows which groups and partitions this broker coordinates.
 * Tests drive all of it on a manual clock with an in-memory twin of {@link io.vertebra.log.group.GroupLog}.
 */
package io.vertebra.log.group;
