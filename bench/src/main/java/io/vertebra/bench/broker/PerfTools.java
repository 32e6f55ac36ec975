package io.vertebra.bench.broker;

import io.vertebra.testkit.KafkaDistribution;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs Apache Kafka's own performance tools (child JVMs) and parses what they print. */
final class PerfTools {
    private PerfTools() {}

    record ProducerResult(double recordsPerSec, double avgLatencyMs, double p99Ms) {}

    record ConsumerResult(double recordsPerSec, double mbPerSec) {}

    record LatencyResult(double avgMs, double p50Ms, double p99Ms, double p999Ms) {}

    private static final Pattern PRODUCER = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec .* ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency,"
                    + " (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th");

    static ProducerResult producer(
            String bootstrap, String topic, long records, int recordSize, String acks, Path workDir) {
        KafkaDistribution.ToolResult result = KafkaDistribution.run(
                        KafkaDistribution.PRODUCER_PERF,
                        List.of(
                                "--topic",
                                topic,
                                "--num-records",
                                Long.toString(records),
                                "--record-size",
                                Integer.toString(recordSize),
                                "--throughput",
                                "-1",
                                "--producer-props",
                                "bootstrap.servers=" + bootstrap,
                                "acks=" + acks),
                        workDir,
                        Duration.ofMinutes(10),
                        "512m",
                        List.of("-XX:+UseParallelGC"))
                .assertSuccess();
        for (String line : result.lines()) {
            Matcher m = PRODUCER.matcher(line);
            if (m.find() && Long.parseLong(m.group(1)) == records) {
                return new ProducerResult(
                        Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)), Double.parseDouble(m.group(7)));
            }
        }
        throw new IllegalStateException("no summary line in producer-perf-test output:\n" + result.output());
    }

    static ConsumerResult consumer(String bootstrap, String topic, long records, Path workDir) {
        KafkaDistribution.ToolResult result = KafkaDistribution.run(
                        KafkaDistribution.CONSUMER_PERF,
                        List.of(
                                "--bootstrap-server",
                                bootstrap,
                                "--topic",
                                topic,
                                "--num-records",
                                Long.toString(records),
                                "--group",
                                "perf-" + System.nanoTime(),
                                "--timeout",
                                "60000"),
                        workDir,
                        Duration.ofMinutes(10),
                        "512m",
                        List.of("-XX:+UseParallelGC"))
                .assertSuccess();
        // header: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
        for (String line : result.lines()) {
            String[] f = line.split(",\\s*");
            if (f.length >= 6 && f[0].matches("\\d{4}-.*")) {
                return new ConsumerResult(Double.parseDouble(f[5]), Double.parseDouble(f[3]));
            }
        }
        throw new IllegalStateException("no result line in consumer-perf-test output:\n" + result.output());
    }

    private static final Pattern AVG = Pattern.compile("Avg latency: ([\\d.]+) ms");
    private static final Pattern PERCENTILES = Pattern.compile("50th = (\\d+), 99th = (\\d+), 99.9th = (\\d+)");

    static LatencyResult endToEnd(String bootstrap, String topic, int records, int recordSize, Path workDir) {
        KafkaDistribution.ToolResult result = KafkaDistribution.run(
                        KafkaDistribution.END_TO_END_LATENCY,
                        List.of(
                                "--bootstrap-server",
                                bootstrap,
                                "--topic",
                                topic,
                                "--num-records",
                                Integer.toString(records),
                                "--producer-acks",
                                "all",
                                "--record-size",
                                Integer.toString(recordSize)),
                        workDir,
                        Duration.ofMinutes(10),
                        "512m",
                        List.of("-XX:+UseParallelGC"))
                .assertSuccess();
        Double avg = null;
        for (String line : result.lines()) {
            Matcher a = AVG.matcher(line);
            if (a.find()) {
                avg = Double.parseDouble(a.group(1));
            }
            Matcher p = PERCENTILES.matcher(line);
            if (p.find() && avg != null) {
                return new LatencyResult(
                        avg,
                        Double.parseDouble(p.group(1)),
                        Double.parseDouble(p.group(2)),
                        Double.parseDouble(p.group(3)));
            }
        }
        throw new IllegalStateException("no latency summary in end-to-end output:\n" + result.output());
    }
}
