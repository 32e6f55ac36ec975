package io.vertebra.connect.parquet.partition;

import org.apache.kafka.connect.sink.SinkRecord;

/** One directory per Kafka partition: {@code partition=<n>}. */
public final class DefaultPartitioner implements Partitioner {
    private static final int CACHED = 1024;
    private final String[] names = new String[CACHED];

    @Override
    public String directoryFor(SinkRecord record) {
        int partition = record.kafkaPartition();
        if (partition >= 0 && partition < CACHED) {
            String name = names[partition];
            if (name == null) {
                name = "partition=" + partition;
                names[partition] = name;
            }
            return name;
        }
        return "partition=" + partition;
    }
}
