package io.vertebra.bench.cluster;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.KafkaDistribution;
import io.vertebra.testkit.RealKafkaCluster;
import io.vertebra.testkit.VertebraCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Issue 4's benchmark: a 3-node Vertebra cluster against a 3-node Apache Kafka 4.3 KRaft cluster (each node a
 * combined broker and controller, stock settings), same heap, same run. (1) Kafka's ProducerPerformance, RF=3,
 * acks=all, 6 partitions, 100 B records; (2) failover: an idempotent acks=all producer writes to one partition
 * while the partition leader is SIGKILLed; the longest gap between acknowledgements, and records lost or
 * duplicated, side by side.
 *
 * <pre>bench/run cluster [--records 2000000] [--heap 512m]</pre>
 */
public final class ClusterBench {
    record Result(double producerRecordsPerSec, long failoverGapMs, FailoverProbe.Verdict verdict) {}

    public static void main(String[] args) throws Exception {
        long records = 2_000_000;
        String heap = "512m";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[++i]);
                case "--heap" -> heap = args[++i];
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument " + args[i] + "; usage: cluster [--records N] [--heap SIZE]");
            }
        }
        Path work = Files.createTempDirectory("vertebra-bench-cluster");
        System.out.println("Apache Kafka 4.3, 3 KRaft nodes");
        Result kafka;
        try (RealKafkaCluster cluster = RealKafkaCluster.start(work.resolve("kafka"), 3, heap, Map.of())) {
            kafka = run(
                    cluster.bootstrapServers(),
                    records,
                    work,
                    id -> cluster.nodes().get(id - 1));
        }
        System.out.println("Vertebra, 3 nodes");
        Result vertebra;
        try (VertebraCluster cluster = VertebraCluster.start(work.resolve("vertebra"), 3, 3, heap, Map.of())) {
            vertebra = run(
                    cluster.bootstrap(), records, work, id -> cluster.node(id).process());
        }
        System.out.println();
        System.out.printf("Cluster benchmark: 3 nodes, RF=3, acks=all, heap %s%n", heap);
        System.out.printf("%-34s %14s %14s %9s %s%n", "metric", "Apache Kafka", "Vertebra", "ratio", "goal");
        System.out.printf(
                "%-34s %14.0f %14.0f %8.2fx %s%n",
                "producer records/s (6 partitions)",
                kafka.producerRecordsPerSec(),
                vertebra.producerRecordsPerSec(),
                vertebra.producerRecordsPerSec() / kafka.producerRecordsPerSec(),
                ">= 1.3x");
        System.out.printf(
                "%-34s %14d %14d %8.2fx %s%n",
                "leader SIGKILL: longest ack gap ms",
                kafka.failoverGapMs(),
                vertebra.failoverGapMs(),
                (double) vertebra.failoverGapMs() / kafka.failoverGapMs(),
                "< 1000 ms");
        System.out.printf(
                "%-34s %14s %14s%n",
                "acknowledged / lost / duplicated",
                kafka.verdict().acknowledged() + "/" + kafka.verdict().lost() + "/"
                        + kafka.verdict().duplicated(),
                vertebra.verdict().acknowledged() + "/" + vertebra.verdict().lost() + "/"
                        + vertebra.verdict().duplicated());
    }

    private static final Pattern PRODUCER = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec");

    static Result run(String bootstrap, long records, Path work, IntFunction<ChildProcess> nodeProcess)
            throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic("perf", 6, (short) 3).configs(Map.of("min.insync.replicas", "2")),
                            new NewTopic("failover", 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all()
                    .get();
            KafkaDistribution.ToolResult perf = KafkaDistribution.run(
                            KafkaDistribution.PRODUCER_PERF,
                            List.of(
                                    "--topic",
                                    "perf",
                                    "--num-records",
                                    Long.toString(records),
                                    "--record-size",
                                    "100",
                                    "--throughput",
                                    "-1",
                                    "--producer-props",
                                    "bootstrap.servers=" + bootstrap,
                                    "acks=all"),
                            work,
                            Duration.ofMinutes(15),
                            "512m",
                            List.of("-XX:+UseParallelGC"))
                    .assertSuccess();
            double recordsPerSec = -1;
            for (String line : perf.lines()) {
                Matcher m = PRODUCER.matcher(line);
                if (m.find() && Long.parseLong(m.group(1)) == records) {
                    recordsPerSec = Double.parseDouble(m.group(2));
                }
            }
            System.out.printf("  producer: %.0f records/s%n", recordsPerSec);

            try (FailoverProbe probe = new FailoverProbe(bootstrap, "failover")) {
                probe.awaitAcked(5_000, Duration.ofMinutes(2));
                int leader = admin.describeTopics(List.of("failover"))
                        .allTopicNames()
                        .get()
                        .get("failover")
                        .partitions()
                        .get(0)
                        .leader()
                        .id();
                long before = probe.acked.size();
                probe.resetGap();
                System.out.printf("  killing leader %d at %s%n", leader, java.time.LocalTime.now());
                nodeProcess.apply(leader).kill();
                probe.awaitAcked(before + 1, Duration.ofMinutes(3));
                System.out.printf("  first acknowledgement after the kill at %s%n", java.time.LocalTime.now());
                probe.awaitAcked(before + 5_000, Duration.ofMinutes(3));
                long gap = probe.maxGapMs();
                System.out.printf("  leader %d SIGKILLed: longest gap between acknowledgements %d ms%n", leader, gap);
                probe.close();
                FailoverProbe.Verdict verdict = probe.verify();
                System.out.printf(
                        "  %d acknowledged, %d lost, %d duplicated%n",
                        verdict.acknowledged(), verdict.lost(), verdict.duplicated());
                return new Result(recordsPerSec, gap, verdict);
            }
        }
    }
}
