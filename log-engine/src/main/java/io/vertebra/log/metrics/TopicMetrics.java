package io.vertebra.log.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.vertebra.log.replication.Partition;
import io.vertebra.log.replication.Partitions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.Records;

/**
 * Per-topic meters (tag {@code topic}) for the topics with a replica on this broker: bytes and records produced
 * to this broker as leader ({@value #BYTES_IN}, {@value #RECORDS_IN}), bytes and records fetched by consumers
 * ({@value #BYTES_OUT}, {@value #RECORDS_OUT}), and the size and segment count of the local logs
 * ({@value #LOG_SIZE}, {@value #LOG_SEGMENTS}); plus the bytes followers fetched from this broker
 * ({@value #REPLICATION_BYTES_OUT}, untagged). A topic's meters appear with its first replica here and are
 * removed with its last.
 *
 * <p>Request handlers call {@link #topic} on network threads (a map lookup; the meters are cached) and count
 * with the returned {@link TopicMeters}; the replica listener callbacks come from the metadata thread.
 */
public final class TopicMetrics implements Partitions.RoleListener {
    public static final String BYTES_IN = "vertebra.broker.topic.in";
    public static final String BYTES_OUT = "vertebra.broker.topic.out";
    public static final String RECORDS_IN = "vertebra.broker.topic.records.in";
    public static final String RECORDS_OUT = "vertebra.broker.topic.records.out";
    public static final String LOG_SIZE = "vertebra.broker.log.size";
    public static final String LOG_SEGMENTS = "vertebra.broker.log.segments";
    public static final String REPLICATION_BYTES_OUT = "vertebra.broker.replication.out";

    private final OwnedMeters meters;
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final Counter replicationBytesOut;

    /** One topic's meters. Thread-safe. */
    public static final class TopicMeters {
        private final Counter bytesIn;
        private final Counter bytesOut;
        private final Counter recordsIn;
        private final Counter recordsOut;
        private final Set<Partition> hosted = ConcurrentHashMap.newKeySet();
        private List<Meter> all = List.of();

        private TopicMeters(OwnedMeters meters, String topic) {
            bytesIn = counter(meters, BYTES_IN, "bytes", topic, "Bytes produced to this broker as partition leader");
            bytesOut =
                    counter(meters, BYTES_OUT, "bytes", topic, "Bytes sent to consumers (follower fetches excluded)");
            recordsIn = counter(meters, RECORDS_IN, null, topic, "Records produced to this broker as partition leader");
            recordsOut =
                    counter(meters, RECORDS_OUT, null, topic, "Records sent to consumers (follower fetches excluded)");
            Gauge size = meters.own(Gauge.builder(LOG_SIZE, this, TopicMeters::logSize)
                    .description("Bytes in this broker's logs of the topic (all hosted replicas)")
                    .baseUnit("bytes")
                    .tag("topic", topic)
                    .strongReference(true)
                    .register(meters.registry()));
            Gauge segments = meters.own(Gauge.builder(LOG_SEGMENTS, this, TopicMeters::segments)
                    .description("Segment files in this broker's logs of the topic")
                    .tag("topic", topic)
                    .strongReference(true)
                    .register(meters.registry()));
            all = List.of(bytesIn, bytesOut, recordsIn, recordsOut, size, segments);
        }

        private static Counter counter(OwnedMeters meters, String name, String unit, String topic, String description) {
            return meters.own(Counter.builder(name)
                    .description(description)
                    .baseUnit(unit)
                    .tag("topic", topic)
                    .register(meters.registry()));
        }

        /** A produce appended {@code records} records in {@code bytes} bytes. */
        public void produced(long bytes, long records) {
            bytesIn.increment(bytes);
            recordsIn.increment(records);
        }

        /**
         * A consumer fetch returned {@code data} read from {@code fetchOffset}. Counts its records from the batch
         * headers (one small read per batch, from the page cache) without touching the record bytes.
         */
        public void fetched(Records data, long fetchOffset) {
            int bytes = data.sizeInBytes();
            if (bytes == 0) {
                return;
            }
            bytesOut.increment(bytes);
            recordsOut.increment(recordCount(data, fetchOffset));
        }

        private double logSize() {
            long total = 0;
            for (Partition p : hosted) {
                total += p.log().size();
            }
            return total;
        }

        private double segments() {
            long total = 0;
            for (Partition p : hosted) {
                total += p.log().segmentCount();
            }
            return total;
        }
    }

    TopicMetrics(OwnedMeters meters) {
        this.meters = meters;
        this.replicationBytesOut = meters.own(Counter.builder(REPLICATION_BYTES_OUT)
                .description("Bytes sent to follower replicas fetching from this broker")
                .baseUnit("bytes")
                .register(meters.registry()));
    }

    /** The meters of {@code topic}, created on first use. */
    public TopicMeters topic(String topic) {
        TopicMeters m = topics.get(topic);
        return m != null ? m : topics.computeIfAbsent(topic, t -> new TopicMeters(meters, t));
    }

    /** A follower fetch returned {@code bytes} bytes of record data. */
    public void replicaFetched(long bytes) {
        replicationBytesOut.increment(bytes);
    }

    @Override
    public void onRoleChange(Partition partition, boolean leader) {
        topic(partition.topicPartition().topic()).hosted.add(partition);
    }

    @Override
    public void onRemoved(Partition partition) {
        String name = partition.topicPartition().topic();
        topics.computeIfPresent(name, (t, m) -> {
            m.hosted.remove(partition);
            if (!m.hosted.isEmpty()) {
                return m;
            }
            m.all.forEach(meters::remove);
            return null;
        });
    }

    /**
     * Offsets from {@code fetchOffset} to the end of the last whole batch in {@code data}: the records a consumer
     * gets (a trailing partial batch is dropped by clients, batches before the fetch offset are skipped).
     */
    static long recordCount(Records data, long fetchOffset) {
        try {
            RecordBatch first = null;
            RecordBatch last = null;
            for (RecordBatch batch : data.batches()) {
                if (first == null) {
                    first = batch;
                }
                last = batch;
            }
            return last == null ? 0 : Math.max(0, last.nextOffset() - Math.max(first.baseOffset(), fetchOffset));
        } catch (RuntimeException e) {
            return 0; // the segment changed under the read (truncation, deletion): nothing countable
        }
    }
}
