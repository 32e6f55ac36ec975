package io.vertebra.log.replication;

/**
 * A parked operation (a fetch waiting for data, a produce waiting for the ISR) that wants to hear when a
 * partition's log end or high watermark moves. Called on the thread that moved it; must be quick and must not
 * block: it only checks its condition and hands the real work to its own thread.
 */
public interface PartitionWatcher {
    /** The partition changed; returns true when this watcher is finished and can be dropped. */
    boolean onPartitionChange();
}
