package io.vertebra.bench.file;

import io.vertebra.testkit.ConnectWorker;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.RealKafkaCluster;
import java.io.BufferedWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Vertebra's file connectors against Apache Kafka's FileStream connectors, both as plugins of the same real Apache
 * Kafka Connect 4.3 worker on the same real Kafka broker: file → topic and topic → file, lines/s, JSON values with
 * schemas (the worker's JsonConverter), alternating which goes first each round. Both workers' task and converter
 * overhead is identical, so the ratio is the connectors' own; the Vertebra-runtime comparison is {@code
 * io.vertebra.bench.connect.ConnectBench}'s.
 *
 * <pre>
 * bench/run io.vertebra.bench.file.FileConnectorBench [--lines 2000000] [--rounds 3]
 * </pre>
 */
public final class FileConnectorBench {
    private static final String FILE_STREAM_SOURCE = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    private static final String FILE_STREAM_SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";
    private static final String VERTEBRA_SOURCE = "io.vertebra.connect.file.source.FileSourceConnector";
    private static final String VERTEBRA_SINK = "io.vertebra.connect.file.sink.FileSinkConnector";

    private FileConnectorBench() {}

    /** One connector pair's rates in one round: overall (from creation) and steady (from the first line). */
    record Rates(double source, double sourceSteady, double sink, double sinkSteady) {}

    public static void main(String[] args) throws Exception {
        int lines = 2_000_000;
        int rounds = 3;
        for (int i = 0; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--lines" -> lines = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> {}
            }
        }
        try (TempDirectory scratch = new TempDirectory("vertebra-file-bench-")) {
            Path dir = scratch.path;
            Path pluginPath = Files.createDirectories(dir.resolve("plugins"));
            Files.createDirectories(pluginPath.resolve("kafka-connect-file"));
            Files.copy(
                    KafkaDistribution.jar("connect-file"), pluginPath.resolve("kafka-connect-file/connect-file.jar"));
            Files.createSymbolicLink(
                    pluginPath.resolve("vertebra-file"), ProjectLayout.root().resolve("plugins/vertebra-file"));
            Path input = dir.resolve("input.txt");
            writeInput(input, lines);
            System.out.printf(
                    "File connector benchmark: %,d lines (%,d bytes), one Kafka Connect 4.3 worker (1g), JSON with"
                            + " schemas, %d rounds%n",
                    lines, Files.size(input), rounds);
            List<Rates> fileStream = new ArrayList<>();
            List<Rates> vertebra = new ArrayList<>();
            try (RealKafkaCluster kafka = RealKafkaCluster.start(dir.resolve("kafka"), 1, "1g", Map.of());
                    // the default worker: no exactly-once source support, read-uncommitted sink consumers
                    ConnectWorker worker =
                            ConnectWorker.start(dir.resolve("connect"), kafka.bootstrapServers(), pluginPath, "1g");
                    Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                for (int round = 1; round <= rounds; round++) {
                    boolean fileStreamFirst = round % 2 == 1;
                    for (int turn = 0; turn < 2; turn++) {
                        boolean isFileStream = (turn == 0) == fileStreamFirst;
                        String tag = (isFileStream ? "fs" : "vb") + round;
                        Rates rates = isFileStream
                                ? run(
                                        worker,
                                        admin,
                                        dir,
                                        input,
                                        lines,
                                        tag,
                                        FILE_STREAM_SOURCE,
                                        FILE_STREAM_SINK,
                                        "\"file\": \"%s\"",
                                        "\"file\": \"%s\"")
                                : run(
                                        worker,
                                        admin,
                                        dir,
                                        input,
                                        lines,
                                        tag,
                                        VERTEBRA_SOURCE,
                                        VERTEBRA_SINK,
                                        "\"file.paths\": \"%s\"",
                                        "\"file.path\": \"%s\"");
                        (isFileStream ? fileStream : vertebra).add(rates);
                        System.out.printf(
                                "  round %d %-22s source %,9.0f lines/s (steady %,9.0f)   sink %,9.0f lines/s (steady %,9.0f)%n",
                                round,
                                isFileStream ? "Kafka FileStream" : "Vertebra file",
                                rates.source,
                                rates.sourceSteady,
                                rates.sink,
                                rates.sinkSteady);
                    }
                }
            }
            Rates fs = best(fileStream);
            Rates vb = best(vertebra);
            System.out.println();
            System.out.printf(
                    "best of %d rounds          %16s %16s %16s %16s%n",
                    rounds, "source", "source steady", "sink", "sink steady");
            System.out.printf(
                    "%-26s %,16.0f %,16.0f %,16.0f %,16.0f%n",
                    "Kafka FileStream", fs.source, fs.sourceSteady, fs.sink, fs.sinkSteady);
            System.out.printf(
                    "%-26s %,16.0f %,16.0f %,16.0f %,16.0f%n",
                    "Vertebra file connectors", vb.source, vb.sourceSteady, vb.sink, vb.sinkSteady);
            System.out.printf(
                    "%-26s %15.2fx %15.2fx %15.2fx %15.2fx%n",
                    "ratio",
                    vb.source / fs.source,
                    vb.sourceSteady / fs.sourceSteady,
                    vb.sink / fs.sink,
                    vb.sinkSteady / fs.sinkSteady);
        }
    }

    private static Rates best(List<Rates> rounds) {
        return new Rates(
                rounds.stream().mapToDouble(Rates::source).max().orElse(Double.NaN),
                rounds.stream().mapToDouble(Rates::sourceSteady).max().orElse(Double.NaN),
                rounds.stream().mapToDouble(Rates::sink).max().orElse(Double.NaN),
                rounds.stream().mapToDouble(Rates::sinkSteady).max().orElse(Double.NaN));
    }

    private static Rates run(
            ConnectWorker worker,
            Admin admin,
            Path dir,
            Path input,
            int lines,
            String tag,
            String sourceClass,
            String sinkClass,
            String sourceFile,
            String sinkFile)
            throws Exception {
        String topic = "bench-" + tag;
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        TopicPartition partition = new TopicPartition(topic, 0);
        long[] source = timed(
                () -> create(worker, "src-" + tag, sourceClass, topic, "topic", sourceFile.formatted(input)),
                () -> endOffset(admin, partition),
                lines);
        Path output = dir.resolve("out-" + tag + ".txt");
        long bytes = Files.size(input);
        long[] sink = timed(
                () -> create(worker, "snk-" + tag, sinkClass, topic, "topics", sinkFile.formatted(output)),
                () -> size(output),
                bytes);
        worker.delete("/connectors/src-" + tag);
        worker.delete("/connectors/snk-" + tag);
        return new Rates(
                lines / (source[0] / 1e9), lines / (source[1] / 1e9), lines / (sink[0] / 1e9), lines / (sink[1] / 1e9));
    }

    /** Starts, then polls {@code progress} every 5 ms until it reaches {@code target}; total and steady nanos. */
    private static long[] timed(Runnable start, LongSupplier progress, long target) throws InterruptedException {
        long begin = System.nanoTime();
        start.run();
        long first = 0;
        long deadline = begin + TimeUnit.MINUTES.toNanos(10);
        for (long done = 0; done < target; done = progress.getAsLong()) {
            if (done > 0 && first == 0) {
                first = System.nanoTime();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no completion within 10 minutes: " + done + " of " + target);
            }
            Thread.sleep(5);
        }
        long end = System.nanoTime();
        return new long[] {end - begin, end - (first == 0 ? begin : first)};
    }

    private static void create(
            ConnectWorker worker, String name, String connectorClass, String topic, String topicKey, String fileEntry) {
        String body = """
                {"name": "%s", "config": {"connector.class": "%s", "tasks.max": "1", "%s": "%s", %s}}""".formatted(name, connectorClass, topicKey, topic, fileEntry);
        HttpResponse<String> response = worker.post("/connectors", body);
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Kafka Connect refused " + name + ": " + response.body());
        }
    }

    private static long endOffset(Admin admin, TopicPartition partition) {
        try {
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                    .partitionResult(partition)
                    .get(5, TimeUnit.SECONDS)
                    .offset();
        } catch (Exception e) {
            return 0;
        }
    }

    private static long size(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** Log-like lines of about 100 bytes (the same shape as ConnectBench's). */
    private static void writeInput(Path input, int lines) throws Exception {
        Random random = new Random(42);
        try (BufferedWriter out = Files.newBufferedWriter(input, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                line.setLength(0);
                line.append("2026-11-25T12:00:00.000Z INFO  [worker-")
                        .append(i % 16)
                        .append("] request ")
                        .append(i)
                        .append(" served in ")
                        .append(random.nextInt(1000))
                        .append(" ms user=u")
                        .append(random.nextInt(100_000));
                while (line.length() < 99) {
                    line.append('.');
                }
                out.write(line.toString());
                out.newLine();
            }
        }
    }
}
