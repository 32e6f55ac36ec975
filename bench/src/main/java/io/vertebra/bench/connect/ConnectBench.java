package io.vertebra.bench.connect;

import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.RealKafkaCluster;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The Connect runtime benchmark (issue 5 §8): Apache Kafka's FileStream connectors, file → topic and topic → file,
 * on Apache Kafka Connect 4.3 and on Vertebra, one after the other against the same real Kafka broker, with JSON
 * values with schemas (Kafka Connect's default converter). Prints lines/s of each and the ratios.
 *
 * <pre>
 * ./mvnw -B -q -pl bench exec:java -Dexec.mainClass=io.vertebra.bench.connect.ConnectBench \
 *     [-Dexec.args="--lines 1000000 --rounds 2 --systems kafka-connect,vertebra"]
 * </pre>
 */
public final class ConnectBench {
    private ConnectBench() {}

    /** Best wall-clock lines/s of each phase, and lines per CPU-second of the worker JVM (load skews it less). */
    record Result(double sourceLinesPerSec, double sinkLinesPerSec, double sourcePerCpu, double sinkPerCpu) {}

    public static void main(String[] args) throws Exception {
        int lines = 1_000_000;
        int rounds = 2;
        String systems = "kafka-connect,vertebra";
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--lines")) {
                lines = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--systems")) {
                systems = args[i + 1];
            } else if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            }
        }
        Path dir = Files.createTempDirectory("vertebra-connect-bench-");
        Path plugins = Files.createDirectories(dir.resolve("plugins/kafka-connect-file"));
        Files.copy(KafkaDistribution.jar("connect-file"), plugins.resolve("connect-file.jar"));
        Path input = dir.resolve("input.txt");
        writeInput(input, lines);
        System.out.printf(
                "Connect benchmark: %,d lines of ~100 bytes (%,d bytes), JSON with schemas, %d rounds%n",
                lines, Files.size(input), rounds);
        try (TempDir cleanup = new TempDir(dir); // closed last: after the broker stopped
                RealKafkaCluster kafka = RealKafkaCluster.start(dir.resolve("kafka"), 1, "2g", Map.of())) {
            Result kc = new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            Result vb = new Result(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            if (systems.contains("kafka-connect"))
                try (ConnectWorkerUnderTest worker = ConnectWorkerUnderTest.kafkaConnect(
                        dir.resolve("kc"), kafka.bootstrapServers(), plugins.getParent(), "1g")) {
                    kc = run(worker, kafka.bootstrapServers(), input, lines, "kc", rounds, dir);
                }
            if (systems.contains("vertebra"))
                try (ConnectWorkerUnderTest worker = ConnectWorkerUnderTest.vertebra(
                        dir.resolve("vb"), kafka.bootstrapServers(), plugins.getParent(), "1g")) {
                    vb = run(worker, kafka.bootstrapServers(), input, lines, "vb", rounds, dir);
                }
            System.out.println();
            System.out.printf(
                    "%-24s %15s %15s %17s %17s%n",
                    "", "source lines/s", "sink lines/s", "source lines/cpu-s", "sink lines/cpu-s");
            print("Apache Kafka Connect 4.3", kc);
            print("Vertebra", vb);
            System.out.printf(
                    "%-24s %14.2fx %14.2fx %16.2fx %16.2fx%n",
                    "ratio (Vertebra / AK)",
                    vb.sourceLinesPerSec / kc.sourceLinesPerSec,
                    vb.sinkLinesPerSec / kc.sinkLinesPerSec,
                    vb.sourcePerCpu / kc.sourcePerCpu,
                    vb.sinkPerCpu / kc.sinkPerCpu);
        }
    }

    private static void print(String name, Result r) {
        System.out.printf(
                "%-24s %,15.0f %,15.0f %,17.0f %,17.0f%n",
                name, r.sourceLinesPerSec, r.sinkLinesPerSec, r.sourcePerCpu, r.sinkPerCpu);
    }

    /** Removes the benchmark's scratch directory (input, outputs, broker data) when the run ends. */
    private record TempDir(Path dir) implements AutoCloseable {
        @Override
        public void close() {
            try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            } catch (java.io.IOException | RuntimeException e) {
                System.err.println("cannot remove " + dir + ": " + e);
            }
        }
    }

    private static void writeInput(Path input, int lines) throws Exception {
        Random random = new Random(42);
        try (BufferedWriter out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                sb.setLength(0);
                sb.append("2026-11-25T12:00:00.000Z INFO  [worker-")
                        .append(i % 16)
                        .append("] request ")
                        .append(i)
                        .append(" served in ")
                        .append(random.nextInt(1000))
                        .append(" ms user=u")
                        .append(random.nextInt(100_000));
                while (sb.length() < 99) {
                    sb.append('.');
                }
                out.write(sb.toString());
                out.newLine();
            }
        }
    }

    /** Best of {@code rounds} runs of each phase (the first run also warms the JIT). */
    private static Result run(
            ConnectWorkerUnderTest worker, String bootstrap, Path input, int lines, String tag, int rounds, Path dir)
            throws Exception {
        double bestSource = 0;
        double bestSink = 0;
        double bestSourceCpu = 0;
        double bestSinkCpu = 0;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            for (int round = 0; round < rounds; round++) {
                String topic = "bench-" + tag + "-" + round;
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
                long start = System.nanoTime();
                double cpu = worker.cpuSeconds();
                worker.create("""
                        {"name": "src-%s", "config": {"connector.class": "FileStreamSource", "tasks.max": "1",
                         "file": "%s", "topic": "%s"}}""".formatted(topic, input, topic));
                TopicPartition tp = new TopicPartition(topic, 0);
                while (endOffset(admin, tp) < lines) {
                    Thread.sleep(20);
                }
                double source = lines / ((System.nanoTime() - start) / 1e9);
                double sourceCpu = lines / (worker.cpuSeconds() - cpu);
                Path output = dir.resolve("out-" + topic + ".txt");
                long expected = Files.size(input);
                start = System.nanoTime();
                cpu = worker.cpuSeconds();
                worker.create("""
                        {"name": "snk-%s", "config": {"connector.class": "FileStreamSink", "tasks.max": "1",
                         "file": "%s", "topics": "%s"}}""".formatted(topic, output, topic));
                while (!Files.exists(output) || Files.size(output) < expected) {
                    Thread.sleep(20);
                }
                double sink = lines / ((System.nanoTime() - start) / 1e9);
                double sinkCpu = lines / (worker.cpuSeconds() - cpu);
                System.out.printf(
                        "  %s round %d: source %,.0f lines/s (%,.0f per CPU-second), sink %,.0f lines/s"
                                + " (%,.0f per CPU-second)%n",
                        worker.name, round + 1, source, sourceCpu, sink, sinkCpu);
                bestSource = Math.max(bestSource, source);
                bestSink = Math.max(bestSink, sink);
                bestSourceCpu = Math.max(bestSourceCpu, sourceCpu);
                bestSinkCpu = Math.max(bestSinkCpu, sinkCpu);
                worker.send("DELETE", "/connectors/src-" + topic, null);
                worker.send("DELETE", "/connectors/snk-" + topic, null);
            }
        }
        return new Result(bestSource, bestSink, bestSourceCpu, bestSinkCpu);
    }

    private static long endOffset(Admin admin, TopicPartition tp) {
        try {
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get(5, TimeUnit.SECONDS)
                    .offset();
        } catch (Exception e) {
            return 0; // the topic does not exist yet
        }
    }
}
