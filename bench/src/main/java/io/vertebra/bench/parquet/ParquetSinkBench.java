package io.vertebra.bench.parquet;

import io.vertebra.connect.parquet.ParquetSinkTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Rows per second of the Parquet sink against a bare parquet-hadoop writer loop, in the same run on the same
 * records: one sink task, and two sink tasks on two partitions at once (each with the full record set), both to
 * local files of {@code --flush-size} rows, snappy. Rounds alternate loop / one task / two tasks; medians and
 * ratios are printed. Goals (issue 7): one task ≥ 0.70× the loop, two tasks ≥ 1.5× the loop.
 *
 * <p>{@code bench/run io.vertebra.bench.parquet.ParquetSinkBench [--records 500000] [--rounds 3]
 * [--flush-size 100000]}
 */
public final class ParquetSinkBench {
    private static final int BATCH = 500; // Connect's default max.poll.records

    private ParquetSinkBench() {}

    public static void main(String[] args) throws Exception {
        int records = intArg(args, "--records", 500_000);
        int rounds = intArg(args, "--rounds", 3);
        int flushSize = intArg(args, "--flush-size", 100_000);
        Path work = Files.createTempDirectory("parquet-bench");
        List<Struct> orders = OrderRecords.orders(records);
        List<SinkRecord> partition0 = OrderRecords.sinkRecords("orders", 0, orders);
        List<SinkRecord> partition1 = OrderRecords.sinkRecords("orders", 1, orders);
        System.out.printf(
                "Parquet sink benchmark: %,d orders (10 columns, snappy), files of %,d rows, %d rounds%n",
                records, flushSize, rounds);

        // warm-up: JIT both paths on a tenth of the records
        BareParquetLoop.run(orders.subList(0, records / 10), fresh(work, "warm-loop"), flushSize);
        sinkTasks(List.of(partition0.subList(0, records / 10)), fresh(work, "warm-sink"), flushSize);

        double[][] loop = new double[2][rounds];
        double[][] oneTask = new double[2][rounds];
        double[][] twoTasks = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            record(loop, round, records, BareParquetLoop.run(orders, fresh(work, "loop"), flushSize));
            record(oneTask, round, records, sinkTasks(List.of(partition0), fresh(work, "one"), flushSize));
            record(
                    twoTasks,
                    round,
                    2L * records,
                    sinkTasks(List.of(partition0, partition1), fresh(work, "two"), flushSize));
            System.out.printf(
                    "round %d rows/s (per CPU-second): loop %,.0f (%,.0f), 1 task %,.0f (%,.0f), 2 tasks %,.0f (%,.0f)%n",
                    round + 1,
                    loop[0][round],
                    loop[1][round],
                    oneTask[0][round],
                    oneTask[1][round],
                    twoTasks[0][round],
                    twoTasks[1][round]);
        }
        double loopWall = median(loop[0]);
        double loopCpu = median(loop[1]);
        System.out.printf("%nmedians                      rows/s  vs loop   rows per CPU-second  vs loop%n");
        System.out.printf("bare parquet-hadoop loop %,10.0f           %,10.0f%n", loopWall, loopCpu);
        System.out.printf(
                "1 sink task              %,10.0f  %5.2fx    %,10.0f           %5.2fx  (goal >= 0.70x)%n",
                median(oneTask[0]), median(oneTask[0]) / loopWall, median(oneTask[1]), median(oneTask[1]) / loopCpu);
        System.out.printf(
                "2 sink tasks             %,10.0f  %5.2fx    %,10.0f           %5.2fx  (goal >= 1.50x"
                        + " wall-clock, needs two idle cores)%n",
                median(twoTasks[0]),
                median(twoTasks[0]) / loopWall,
                median(twoTasks[1]),
                median(twoTasks[1]) / loopCpu);
        System.out.printf(
                "load average at the end: %.1f on %d cores (other load skews wall-clock rows/s; rates"
                        + " per CPU-second are less sensitive to it)%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        delete(work);
    }

    /** Wall-clock time of a measured run, and the CPU time its writing threads used (summed). */
    record Elapsed(long wallNanos, long cpuNanos) {}

    static long threadCpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void record(double[][] into, int round, long rows, Elapsed elapsed) {
        into[0][round] = rows / (elapsed.wallNanos() / 1e9);
        into[1][round] = rows / (elapsed.cpuNanos() / 1e9);
    }

    /**
     * Runs one sink task per record list, concurrently, each on its own partition and thread; returns the wall
     * time and the CPU time of those threads.
     */
    private static Elapsed sinkTasks(List<List<SinkRecord>> perTask, Path lake, int flushSize) throws Exception {
        List<ParquetSinkTask> tasks = new ArrayList<>();
        for (int i = 0; i < perTask.size(); i++) {
            ParquetSinkTask task = new ParquetSinkTask();
            task.initialize(new BenchTaskContext());
            task.start(Map.of(
                    "store.url", lake.toUri().toString(),
                    "flush.size", Integer.toString(flushSize),
                    "parquet.codec", "snappy"));
            tasks.add(task);
        }
        ExecutorService threads = Executors.newFixedThreadPool(perTask.size());
        try {
            long start = System.nanoTime();
            List<Future<Long>> running = new ArrayList<>();
            for (int i = 0; i < perTask.size(); i++) {
                ParquetSinkTask task = tasks.get(i);
                List<SinkRecord> records = perTask.get(i);
                running.add(threads.submit(() -> {
                    long cpuStart = threadCpuNanos();
                    Set<TopicPartition> assigned = Set.of(new TopicPartition(
                            records.get(0).topic(), records.get(0).kafkaPartition()));
                    task.open(assigned);
                    for (int from = 0; from < records.size(); from += BATCH) {
                        task.put(records.subList(from, Math.min(records.size(), from + BATCH)));
                    }
                    task.close(assigned); // publishes the last file: everything is in the lake when this returns
                    return threadCpuNanos() - cpuStart;
                }));
            }
            long cpu = 0;
            for (Future<Long> task : running) {
                cpu += task.get();
            }
            return new Elapsed(System.nanoTime() - start, cpu);
        } finally {
            threads.shutdown();
            tasks.forEach(ParquetSinkTask::stop);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static Path fresh(Path work, String name) throws IOException {
        Path dir = work.resolve(name);
        delete(dir);
        return Files.createDirectories(dir);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
