package io.vertebra.log.controller;

import io.vertebra.log.config.BrokerConfig;
import io.vertebra.log.config.BrokerLimits;
import io.vertebra.log.metadata.MetadataImage;
import io.vertebra.log.metadata.PartitionImage;
import io.vertebra.log.metadata.TopicImage;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.PolicyViolationException;

/**
 * Refuses new partitions that would exhaust the cluster or a broker before they exist, with POLICY_VIOLATION and
 * a message naming the limit and the current count: more than {@code max.partitions} in the cluster, more than
 * {@code max.broker.partitions} replicas on one broker, or more open files than the process may have. Each
 * partition replica keeps about {@value #FILES_PER_REPLICA} files open (its active segment's log, offset index and
 * time index), so a broker hosting partitions it cannot open fails at its next start; refusing the request keeps
 * the node able to restart.
 *
 * <p>The file check reads this process's open-file limit and count (the controller's own node): an estimate for
 * the other brokers, which usually run with the same limit. Used on the controller thread only.
 */
final class PartitionLimits {
    static final int FILES_PER_REPLICA = 3;
    /** Files kept free for connections, segment rolls and the JVM itself. */
    static final long FILES_HEADROOM = 512;

    /** This process's open files and its limit; a limit below 0 when the platform does not say. */
    interface OpenFiles {
        long open();

        long max();

        OpenFiles PROCESS = new OpenFiles() {
            private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

            @Override
            public long open() {
                return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
                        ? unix.getOpenFileDescriptorCount()
                        : -1;
            }

            @Override
            public long max() {
                return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
                        ? unix.getMaxFileDescriptorCount()
                        : -1;
            }
        };
    }

    /** Partitions in the cluster and replicas per broker id. */
    record Counts(long partitions, Map<Integer, Integer> replicasPerBroker) {
        static Counts of(MetadataImage image) {
            long partitions = 0;
            Map<Integer, Integer> perBroker = new HashMap<>();
            for (TopicImage topic : image.topics().values()) {
                for (PartitionImage p : topic.partitions()) {
                    partitions++;
                    for (int broker : p.replicas()) {
                        perBroker.merge(broker, 1, Integer::sum);
                    }
                }
            }
            return new Counts(partitions, perBroker);
        }
    }

    private final int maxPartitions;
    private final int maxBrokerPartitions;
    private final OpenFiles openFiles;

    PartitionLimits(int maxPartitions, int maxBrokerPartitions, OpenFiles openFiles) {
        this.maxPartitions = maxPartitions;
        this.maxBrokerPartitions = maxBrokerPartitions;
        this.openFiles = openFiles;
    }

    static PartitionLimits from(BrokerConfig config) {
        return new PartitionLimits(
                config.getInt(BrokerLimits.MAX_PARTITIONS),
                config.getInt(BrokerLimits.MAX_BROKER_PARTITIONS),
                OpenFiles.PROCESS);
    }

    /**
     * Throws when {@code added} (the replicas of every partition the request creates so far) on top of
     * {@code current} passes a limit; {@code what} names what is being created, for the message.
     */
    void check(Counts current, List<List<Integer>> added, String what) {
        long partitions = current.partitions() + added.size();
        if (partitions > maxPartitions) {
            throw new PolicyViolationException("cannot create " + what + ": the cluster would have " + partitions
                    + " partitions, more than " + BrokerLimits.MAX_PARTITIONS + "=" + maxPartitions + " (it has "
                    + current.partitions() + " now)");
        }
        Map<Integer, Integer> addedPerBroker = new HashMap<>();
        for (List<Integer> replicas : added) {
            for (int broker : replicas) {
                addedPerBroker.merge(broker, 1, Integer::sum);
            }
        }
        int mostAdded = 0;
        for (Map.Entry<Integer, Integer> e : addedPerBroker.entrySet()) {
            int now = current.replicasPerBroker().getOrDefault(e.getKey(), 0);
            if ((long) now + e.getValue() > maxBrokerPartitions) {
                throw new PolicyViolationException("cannot create " + what + ": broker " + e.getKey()
                        + " would host " + (now + e.getValue()) + " partition replicas, more than "
                        + BrokerLimits.MAX_BROKER_PARTITIONS + "=" + maxBrokerPartitions + " (it hosts " + now
                        + " now)");
            }
            mostAdded = Math.max(mostAdded, e.getValue());
        }
        checkOpenFiles(mostAdded, what);
    }

    private void checkOpenFiles(int replicas, String what) {
        long max = openFiles.max();
        if (replicas == 0 || max < 0) {
            return;
        }
        long open = openFiles.open();
        long needed = (long) replicas * FILES_PER_REPLICA;
        long free = max - open - FILES_HEADROOM;
        if (needed > free) {
            throw new PolicyViolationException("cannot create " + what + ": " + replicas + " new partition replicas"
                    + " on one broker need about " + needed + " open files (" + FILES_PER_REPLICA + " each), but"
                    + " the broker process has " + open + " of its limit of " + max + " open (ulimit -n) and keeps "
                    + FILES_HEADROOM + " free; raise the limit or create fewer partitions");
        }
    }
}
