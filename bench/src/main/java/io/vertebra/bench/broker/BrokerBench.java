package io.vertebra.bench.broker;

import io.vertebra.testkit.Ports;
import io.vertebra.testkit.RealKafkaCluster;
import io.vertebra.testkit.VertebraProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Issue 3's benchmark: Apache Kafka's ProducerPerformance, ConsumerPerformance and EndToEndLatency against a
 * Vertebra node and against the real Apache Kafka 4.3 broker (KRaft, one node), each a child JVM with the same
 * heap, run alternately in the same session so both see the same machine. Prints the medians and the ratios.
 *
 * <pre>bench/run broker [--records 3000000] [--rounds 3] [--heap 512m] [--jfr]</pre>
 */
public final class BrokerBench {
    record Round(PerfTools.ProducerResult producer, PerfTools.ConsumerResult consumer, PerfTools.LatencyResult e2e) {}

    public static void main(String[] args) throws Exception {
        long records = 3_000_000;
        int rounds = 3;
        String heap = "512m";
        boolean jfr = false;
        boolean e2eOnly = false;
        int e2eRecords = 10_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--records" -> records = Long.parseLong(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--heap" -> heap = args[++i];
                case "--jfr" -> jfr = true;
                case "--e2e-only" -> e2eOnly = true;
                case "--e2e-records" -> e2eRecords = Integer.parseInt(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; usage: broker [--records N] [--rounds N] [--heap SIZE] [--jfr] [--e2e-only]"
                            + " [--e2e-records N]");
            }
        }
        Path work = Files.createTempDirectory("vertebra-bench-broker");
        List<Round> kafka = new ArrayList<>();
        List<Round> vertebra = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            System.out.printf("round %d/%d: Apache Kafka%n", round, rounds);
            try (RealKafkaCluster cluster = RealKafkaCluster.start(work.resolve("kafka-" + round), 1, heap, Map.of())) {
                kafka.add(runRound(cluster.bootstrapServers(), e2eOnly ? 0 : records, e2eRecords, work));
            }
            System.out.printf("round %d/%d: Vertebra%n", round, rounds);
            List<String> jvm = jfr && round == rounds
                    ? List.of("-XX:StartFlightRecording=filename=" + work.resolve("vertebra.jfr") + ",settings=profile")
                    : List.of();
            try (VertebraProcess node = VertebraProcess.start(
                    work.resolve("vertebra-" + round + "/data"),
                    Ports.free(),
                    Ports.free(),
                    heap,
                    jvm,
                    List.of("--config", sameSettingsAsKafka(work).toString()))) {
                node.awaitReady();
                vertebra.add(runRound(node.bootstrap(), e2eOnly ? 0 : records, e2eRecords, work));
                if (!jvm.isEmpty()) {
                    node.process().terminate(Duration.ofSeconds(60)); // a clean exit writes the JFR recording
                }
            }
        }
        report(kafka, vertebra, e2eOnly ? 0 : records, e2eRecords, heap);
        if (jfr) {
            System.out.println("JFR recording of the last Vertebra round: " + work.resolve("vertebra.jfr"));
        }
    }

    /**
     * The settings the Kafka side runs with that differ from the defaults (the test kit's Kafka cluster starts
     * groups without the initial rebalance delay), so both brokers are measured alike, on a broker-only node.
     */
    static Path sameSettingsAsKafka(Path work) throws java.io.IOException {
        Path config = work.resolve("bench-node.yaml");
        // broker against broker: the node runs no Connect worker (its internal topics, group and REST would
        // share the 2 cores and the heap with the broker being measured)
        Files.writeString(config, "group.initial.rebalance.delay.ms: 0\nworker.enabled: false\n");
        return config;
    }

    /** One round on one broker; {@code records == 0} measures end-to-end latency only. */
    private static Round runRound(String bootstrap, long records, int e2eRecords, Path work) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("perf", 1, (short) 1), new NewTopic("e2e", 1, (short) 1)))
                    .all()
                    .get();
        }
        PerfTools.ProducerResult producer = null;
        PerfTools.ConsumerResult consumer = null;
        if (records > 0) {
            producer = PerfTools.producer(bootstrap, "perf", records, 100, "all", work);
            System.out.printf("  producer: %.0f rec/s, p99 %.0f ms%n", producer.recordsPerSec(), producer.p99Ms());
            consumer = PerfTools.consumer(bootstrap, "perf", records, work);
            System.out.printf("  consumer: %.0f rec/s%n", consumer.recordsPerSec());
        }
        PerfTools.LatencyResult e2e = PerfTools.endToEnd(bootstrap, "e2e", e2eRecords, 100, work);
        System.out.printf(
                "  end-to-end: avg %.3f ms, p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms%n",
                e2e.avgMs(), e2e.p50Ms(), e2e.p99Ms(), e2e.p999Ms());
        return new Round(producer, consumer, e2e);
    }

    static double median(List<Round> rounds, Function<Round, Double> metric) {
        List<Double> values = new ArrayList<>();
        rounds.forEach(r -> values.add(metric.apply(r)));
        values.sort(Comparator.naturalOrder());
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    private static void report(List<Round> kafka, List<Round> vertebra, long records, int e2eRecords, String heap) {
        System.out.println();
        System.out.printf(
                "Broker benchmark: %d records (end-to-end: %d) of 100 B, 1 partition, acks=all, heap %s,"
                        + " medians of %d rounds%n",
                records, e2eRecords, heap, kafka.size());
        System.out.printf("%-28s %14s %14s %9s %s%n", "metric", "Apache Kafka", "Vertebra", "ratio", "goal");
        if (records > 0) {
            throughput(kafka, vertebra);
        }
        row(
                "end-to-end avg ms",
                median(kafka, r -> r.e2e().avgMs()),
                median(vertebra, r -> r.e2e().avgMs()),
                false,
                "");
        row(
                "end-to-end p99 ms",
                median(kafka, r -> r.e2e().p99Ms()),
                median(vertebra, r -> r.e2e().p99Ms()),
                false,
                "<= 0.5x");
        row(
                "end-to-end p99.9 ms",
                median(kafka, r -> r.e2e().p999Ms()),
                median(vertebra, r -> r.e2e().p999Ms()),
                false,
                "");
    }

    private static void throughput(List<Round> kafka, List<Round> vertebra) {
        row(
                "producer records/s",
                median(kafka, r -> r.producer().recordsPerSec()),
                median(vertebra, r -> r.producer().recordsPerSec()),
                true,
                ">= 1.3x");
        row(
                "consumer records/s",
                median(kafka, r -> r.consumer().recordsPerSec()),
                median(vertebra, r -> r.consumer().recordsPerSec()),
                true,
                ">= 1.3x");
        row(
                "producer p99 ms",
                median(kafka, r -> r.producer().p99Ms()),
                median(vertebra, r -> r.producer().p99Ms()),
                false,
                "");
    }

    private static void row(String name, double kafka, double vertebra, boolean higherIsBetter, String goal) {
        double ratio = kafka == 0 ? Double.NaN : vertebra / kafka;
        System.out.printf("%-28s %14.2f %14.2f %8.2fx %s%n", name, kafka, vertebra, ratio, goal);
    }
}
