package io.vertebra.log.controller;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.junit.jupiter.api.Test;

/** The partition limits' arithmetic, and the open-file check against a process's (given) open-file limit. */
class PartitionLimitsTest {
    private static PartitionLimits.OpenFiles files(long open, long max) {
        return new PartitionLimits.OpenFiles() {
            @Override
            public long open() {
                return open;
            }

            @Override
            public long max() {
                return max;
            }
        };
    }

    private static List<List<Integer>> spread(int partitions, List<Integer> brokers) {
        List<List<Integer>> assignments = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assignments.add(List.of(brokers.get(p % brokers.size())));
        }
        return assignments;
    }

    @Test
    void aRequestThatWouldExhaustTheOpenFilesIsRefused() {
        PartitionLimits limits = new PartitionLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, files(1_000, 10_000));
        PartitionLimits.Counts none = new PartitionLimits.Counts(0, Map.of());
        // 9,000 files free, 512 kept: 2,829 replicas on one broker fit (8,487 files), 2,830 would not
        assertDoesNotThrow(() -> limits.check(none, spread(2_829, List.of(1)), "t"));
        PolicyViolationException e = assertThrows(
                PolicyViolationException.class, () -> limits.check(none, spread(2_830, List.of(1)), "topic 't'"));
        assertTrue(
                e.getMessage().contains("8490 open files") && e.getMessage().contains("limit of 10000"),
                e.getMessage());
        // spread over three brokers, each gets a third: estimated from the busiest one
        assertDoesNotThrow(() -> limits.check(none, spread(8_000, List.of(1, 2, 3)), "t"));
    }

    @Test
    void anUnknownOpenFileLimitSkipsOnlyThatCheck() {
        PartitionLimits limits = new PartitionLimits(Integer.MAX_VALUE, 100, files(-1, -1));
        PartitionLimits.Counts current = new PartitionLimits.Counts(90, Map.of(1, 90));
        assertDoesNotThrow(() -> limits.check(current, spread(10, List.of(1)), "t"));
        PolicyViolationException e = assertThrows(
                PolicyViolationException.class, () -> limits.check(current, spread(11, List.of(1)), "topic 't'"));
        assertTrue(e.getMessage().contains("broker 1 would host 101"), e.getMessage());
    }

    @Test
    void theClusterLimitCountsPartitionsNotReplicas() {
        PartitionLimits limits = new PartitionLimits(10, Integer.MAX_VALUE, files(-1, -1));
        PartitionLimits.Counts current = new PartitionLimits.Counts(4, Map.of(1, 4, 2, 4, 3, 4));
        List<List<Integer>> sixWithThreeReplicas = new ArrayList<>();
        for (int p = 0; p < 6; p++) {
            sixWithThreeReplicas.add(List.of(1, 2, 3));
        }
        assertDoesNotThrow(() -> limits.check(current, sixWithThreeReplicas, "t"));
        sixWithThreeReplicas.add(List.of(1, 2, 3));
        PolicyViolationException e = assertThrows(
                PolicyViolationException.class, () -> limits.check(current, sixWithThreeReplicas, "topic 't'"));
        assertTrue(
                e.getMessage().contains("max.partitions=10") && e.getMessage().contains("has 4 now"), e.getMessage());
    }
}
