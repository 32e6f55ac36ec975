package io.vertebra.bench.file;

import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.ProjectLayout;
import java.io.BufferedWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * The source tasks alone, without a worker: Kafka's FileStreamSourceTask and Vertebra's FileSourceTask, each loaded
 * from its plugin jars, polled in a loop over the same file until every line came; then Vertebra's task on JSON lines
 * parsed into structs. Shows how much of a worker's budget the task itself takes (see FileConnectorBench for the
 * connectors inside Kafka Connect).
 *
 * <pre>
 * bench/run io.vertebra.bench.file.SourceTaskBench [--lines 1000000] [--rounds 5]
 * </pre>
 */
public final class SourceTaskBench {
    private SourceTaskBench() {}

    public static void main(String[] args) throws Exception {
        int lines = 1_000_000;
        int rounds = 5;
        for (int i = 0; i < args.length - 1; i++) {
            switch (args[i]) {
                case "--lines" -> lines = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> {}
            }
        }
        try (TempDirectory scratch = new TempDirectory("vertebra-source-task-bench-")) {
            Path dir = scratch.path;
            Path text = dir.resolve("lines.txt");
            Path json = dir.resolve("lines.json");
            writeInput(text, json, lines);
            ClassLoader host = SourceTaskBench.class.getClassLoader();
            ClassLoader fileStream = new URLClassLoader(
                    new URL[] {KafkaDistribution.jar("connect-file").toUri().toURL()}, host);
            List<URL> vertebraJars = new ArrayList<>();
            try (Stream<Path> jars = Files.list(ProjectLayout.root().resolve("plugins/vertebra-file"))) {
                for (Path jar : jars.toList()) {
                    vertebraJars.add(jar.toUri().toURL());
                }
            }
            ClassLoader vertebra = new URLClassLoader(vertebraJars.toArray(new URL[0]), host);
            System.out.printf(
                    "Source tasks alone, %,d lines of ~100 bytes, %d rounds (best in the last line)%n", lines, rounds);
            double bestFileStream = 0;
            double bestVertebra = 0;
            double bestJson = 0;
            for (int round = 1; round <= rounds; round++) {
                double fs = linesPerSecond(
                        fileStream,
                        "org.apache.kafka.connect.file.FileStreamSourceTask",
                        Map.of("file", text.toString(), "topic", "t"),
                        lines);
                double vb = linesPerSecond(
                        vertebra,
                        "io.vertebra.connect.file.source.FileSourceTask",
                        Map.of("file.paths", text.toString(), "topic", "t"),
                        lines);
                double js = linesPerSecond(
                        vertebra,
                        "io.vertebra.connect.file.source.FileSourceTask",
                        Map.of("file.paths", json.toString(), "topic", "t", "format", "json"),
                        lines);
                System.out.printf(
                        "  round %d: FileStreamSourceTask %,12.0f lines/s   FileSourceTask %,12.0f lines/s   json %,12.0f events/s%n",
                        round, fs, vb, js);
                bestFileStream = Math.max(bestFileStream, fs);
                bestVertebra = Math.max(bestVertebra, vb);
                bestJson = Math.max(bestJson, js);
            }
            System.out.printf(
                    "best: FileStreamSourceTask %,.0f lines/s, FileSourceTask %,.0f lines/s (%.2fx), json %,.0f events/s%n",
                    bestFileStream, bestVertebra, bestVertebra / bestFileStream, bestJson);
        }
    }

    private static double linesPerSecond(ClassLoader loader, String taskClass, Map<String, String> props, int lines)
            throws Exception {
        SourceTask task =
                (SourceTask) loader.loadClass(taskClass).getConstructor().newInstance();
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return null;
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        return Map.of();
                    }
                };
            }

            @Override
            public PluginMetrics pluginMetrics() {
                return null;
            }
        });
        Thread.currentThread().setContextClassLoader(loader);
        task.start(props);
        long start = System.nanoTime();
        long count = 0;
        while (count < lines) {
            List<SourceRecord> records = task.poll();
            if (records != null) {
                count += records.size();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        task.stop();
        return count / seconds;
    }

    private static void writeInput(Path text, Path json, int lines) throws Exception {
        Random random = new Random(42);
        try (BufferedWriter out = Files.newBufferedWriter(text, StandardCharsets.UTF_8);
                BufferedWriter jsonOut = Files.newBufferedWriter(json, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                int ms = random.nextInt(1000);
                int user = random.nextInt(100_000);
                line.setLength(0);
                line.append("2026-11-25T12:00:00.000Z INFO  [worker-")
                        .append(i % 16)
                        .append("] request ")
                        .append(i)
                        .append(" served in ")
                        .append(ms)
                        .append(" ms user=u")
                        .append(user);
                while (line.length() < 99) {
                    line.append('.');
                }
                out.write(line.toString());
                out.newLine();
                jsonOut.write("{\"ts\":\"2026-11-25T12:00:00.000Z\",\"level\":\"INFO\",\"worker\":" + (i % 16)
                        + ",\"request\":" + i + ",\"ms\":" + ms + ",\"user\":{\"id\":" + user
                        + ",\"tags\":[\"a\",\"b\"]}}");
                jsonOut.newLine();
            }
        }
    }
}
