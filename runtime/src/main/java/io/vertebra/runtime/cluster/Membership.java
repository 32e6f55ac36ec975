package io.vertebra.runtime.cluster;

/**
 * How a worker learns what to run: alone ({@link SoloMembership}) or as a member of a Connect cluster on the Kafka
 * group protocol ({@link GroupMembership}).
 */
public interface Membership extends AutoCloseable {
    /** Called on the membership's own thread; implementations hand the work to the worker's control thread. */
    interface Listener {
        void onAssignment(Assignment assignment);
    }

    void start(Listener listener);

    /** The config changed: if the set of connectors or tasks changed, the work must be redistributed. */
    void onConfigChange(ClusterConfig previous, ClusterConfig current);

    /** Ask for another rebalance (after giving up revoked work). */
    void requestRejoin();

    @Override
    void close();
}
