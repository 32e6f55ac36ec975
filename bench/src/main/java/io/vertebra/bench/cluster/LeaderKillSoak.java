package io.vertebra.bench.cluster;

import io.vertebra.testkit.VertebraCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

/**
 * Issue 4's soak: 100 leader kills in a row under a running idempotent acks=all producer (paced to
 * {@code --rate} records/s so that hours of it fit in the verifier's memory). Each round SIGKILLs
 * the current leader, waits for acknowledgements to resume, restarts the killed node and waits for the ISR to
 * be whole again. At the end a verifier reads everything back. Prints lost, duplicated and the worst gap.
 *
 * <pre>bench/run io.vertebra.bench.cluster.LeaderKillSoak [--kills 100] [--heap 384m] [--rate 5000]</pre>
 */
public final class LeaderKillSoak {
    public static void main(String[] args) throws Exception {
        int kills = 100;
        String heap = "384m";
        long rate = 5_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--heap" -> heap = args[++i];
                case "--rate" -> rate = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = Files.createTempDirectory("vertebra-soak");
        long worstGap = 0;
        try (VertebraCluster cluster = VertebraCluster.start(work, 3, 3, heap, Map.of());
                Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("soak", 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
                    .all()
                    .get();
            try (FailoverProbe probe = new FailoverProbe(cluster.bootstrap(), "soak", rate)) {
                probe.awaitAcked(2_000, Duration.ofMinutes(2));
                for (int k = 1; k <= kills; k++) {
                    int leader = partition(admin).leader().id();
                    long before = probe.acked.size();
                    probe.resetGap();
                    cluster.node(leader).process().kill();
                    probe.awaitAcked(before + 1_000, Duration.ofMinutes(3));
                    long gap = probe.maxGapMs();
                    worstGap = Math.max(worstGap, gap);
                    cluster.restart(leader);
                    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                    while (partition(admin).isr().size() < 3) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("node " + leader + " did not rejoin the ISR");
                        }
                        Thread.sleep(100);
                    }
                    System.out.printf(
                            "kill %d/%d: leader %d, gap %d ms, %d acknowledged so far%n",
                            k, kills, leader, gap, probe.acked.size());
                }
                probe.close();
                FailoverProbe.Verdict verdict = probe.verify();
                System.out.printf(
                        "%nsoak: %d leader kills, %d acknowledged, %d lost, %d duplicated, worst gap %d ms%n",
                        kills, verdict.acknowledged(), verdict.lost(), verdict.duplicated(), worstGap);
            }
        }
    }

    static org.apache.kafka.common.TopicPartitionInfo partition(Admin admin) throws Exception {
        TopicDescription d =
                admin.describeTopics(List.of("soak")).allTopicNames().get().get("soak");
        return d.partitions().get(0);
    }
}
