package io.vertebra.log.storage;

import io.vertebra.log.record.ProduceBatches;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Builds produce-style batches (offsets from 0, as a client sends them) for storage tests. */
public final class Batches {
    private Batches() {}

    public static MemoryRecords of(long timestamp, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(
                    timestamp,
                    ("k" + values[i]).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }

    public static MemoryRecords keyed(long timestamp, String key, String value) {
        return MemoryRecords.withRecords(
                Compression.NONE,
                new SimpleRecord(
                        timestamp,
                        key.getBytes(StandardCharsets.UTF_8),
                        value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
    }

    public static ProduceBatches.Summary summary(MemoryRecords records) {
        return ProduceBatches.validate(
                records,
                new ProduceBatches.Rules(
                        Integer.MAX_VALUE,
                        false,
                        TimestampType.CREATE_TIME,
                        Long.MAX_VALUE,
                        Long.MAX_VALUE,
                        "producer"),
                0);
    }

    public static AppendResult append(PartitionLog log, MemoryRecords records) {
        return log.appendAsLeader(records, summary(records), 0);
    }
}
