package io.vertebra.node.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vertebra partitions rebalance|decommission}: moves partition replicas with the standard reassignment
 * API (so the same moves could be made with kafka-reassign-partitions), waits until every move is complete
 * and the new replicas are in sync, then elects the preferred leaders. No record is lost during a move: a
 * replica leaves only after its replacement is in the ISR.
 */
@Command(
        name = "partitions",
        mixinStandardHelpOptions = true,
        description = "Spread partition replicas over the brokers, or move them off a broker before removing it.",
        subcommands = {PartitionsCommand.Rebalance.class, PartitionsCommand.Decommission.class})
public final class PartitionsCommand {

    abstract static class Base implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--dry-run", description = "Print the moves without making them.")
        boolean dryRun;

        @Option(
                names = "--timeout",
                paramLabel = "SECONDS",
                defaultValue = "600",
                description = "Give up waiting for the moves after this long (default 600).")
        long timeoutSeconds;

        abstract Map<TopicPartition, List<Integer>> targets(
                Admin admin, Map<String, TopicDescription> topics, List<Integer> brokers) throws Exception;

        @Override
        public Integer call() throws Exception {
            try (Admin admin = kafka.admin()) {
                List<Integer> brokers = new ArrayList<>();
                for (Node n : kafka.get(admin.describeCluster().nodes(), "describe the cluster")) {
                    brokers.add(n.id());
                }
                brokers.sort(Integer::compare);
                Set<String> names = admin.listTopics(
                                new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                        .names()
                        .get(30, TimeUnit.SECONDS);
                Map<String, TopicDescription> topics =
                        admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
                Map<TopicPartition, List<Integer>> targets = targets(admin, topics, brokers);
                Map<TopicPartition, Optional<NewPartitionReassignment>> moves = new LinkedHashMap<>();
                for (Map.Entry<TopicPartition, List<Integer>> e : targets.entrySet()) {
                    TopicPartitionInfo info = topics.get(e.getKey().topic())
                            .partitions()
                            .get(e.getKey().partition());
                    List<Integer> current =
                            info.replicas().stream().map(Node::id).toList();
                    if (!current.equals(e.getValue())) {
                        System.out.println("move " + e.getKey() + ": " + current + " -> " + e.getValue());
                        moves.put(e.getKey(), Optional.of(new NewPartitionReassignment(e.getValue())));
                    }
                }
                if (moves.isEmpty()) {
                    System.out.println("nothing to move: replicas are already where they should be");
                    return 0;
                }
                if (dryRun) {
                    System.out.println(moves.size() + " partition(s) would move (dry run: nothing changed)");
                    return 0;
                }
                admin.alterPartitionReassignments(moves).all().get(60, TimeUnit.SECONDS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                int remaining = moves.size();
                while (remaining > 0) {
                    if (System.nanoTime() > deadline) {
                        System.err.println("error: " + remaining + " move(s) still in progress after " + timeoutSeconds
                                + " s; check with kafka-reassign-partitions --verify or run again later");
                        return 2;
                    }
                    Thread.sleep(500);
                    remaining = admin.listPartitionReassignments(moves.keySet())
                            .reassignments()
                            .get(30, TimeUnit.SECONDS)
                            .size();
                    System.out.println((moves.size() - remaining) + "/" + moves.size() + " move(s) complete");
                }
                try {
                    admin.electLeaders(ElectionType.PREFERRED, moves.keySet())
                            .partitions()
                            .get(60, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // partitions whose preferred leader already leads report ELECTION_NOT_NEEDED
                }
                System.out.println("done: " + moves.size() + " partition(s) moved, preferred leaders elected");
                return 0;
            }
        }
    }

    @Command(
            name = "rebalance",
            mixinStandardHelpOptions = true,
            description = "Spread every topic's replicas and leaders evenly over all live brokers.")
    static final class Rebalance extends Base {
        @Override
        Map<TopicPartition, List<Integer>> targets(
                Admin admin, Map<String, TopicDescription> topics, List<Integer> brokers) {
            return balanced(topics, brokers);
        }
    }

    @Command(
            name = "decommission",
            mixinStandardHelpOptions = true,
            description = "Move every replica off one broker, so it can be stopped and removed.")
    static final class Decommission extends Base {
        @Option(names = "--broker", required = true, paramLabel = "ID", description = "The broker to empty.")
        int broker;

        @Override
        Map<TopicPartition, List<Integer>> targets(
                Admin admin, Map<String, TopicDescription> topics, List<Integer> brokers) {
            List<Integer> remaining = new ArrayList<>(brokers);
            remaining.remove(Integer.valueOf(broker));
            if (remaining.isEmpty()) {
                throw new IllegalArgumentException(
                        "broker " + broker + " is the only broker; nothing can take its" + " replicas");
            }
            Map<Integer, Integer> load = new HashMap<>();
            remaining.forEach(b -> load.put(b, 0));
            topics.values()
                    .forEach(t -> t.partitions()
                            .forEach(p -> p.replicas().forEach(n -> load.computeIfPresent(n.id(), (k, v) -> v + 1))));
            Map<TopicPartition, List<Integer>> targets = new LinkedHashMap<>();
            for (TopicDescription t : topics.values()) {
                for (TopicPartitionInfo p : t.partitions()) {
                    List<Integer> replicas =
                            new ArrayList<>(p.replicas().stream().map(Node::id).toList());
                    int index = replicas.indexOf(broker);
                    if (index < 0) {
                        continue;
                    }
                    Integer replacement = remaining.stream()
                            .filter(b -> !replicas.contains(b))
                            .min((a, b) -> Integer.compare(load.get(a), load.get(b)))
                            .orElseThrow(() -> new IllegalArgumentException("partition " + t.name() + "-"
                                    + p.partition() + " has replicas on every other broker; cannot keep its"
                                    + " replication factor without broker " + broker));
                    replicas.set(index, replacement);
                    load.merge(replacement, 1, Integer::sum);
                    targets.put(new TopicPartition(t.name(), p.partition()), replicas);
                }
            }
            return targets;
        }
    }

    /**
     * Round-robin placement over the sorted brokers, each topic starting at a different broker, so replicas and
     * preferred leaders are even across brokers and topics.
     */
    static Map<TopicPartition, List<Integer>> balanced(Map<String, TopicDescription> topics, List<Integer> brokers) {
        Map<TopicPartition, List<Integer>> targets = new LinkedHashMap<>();
        int n = brokers.size();
        int topicIndex = 0;
        for (String name : new TreeSet<>(topics.keySet())) {
            TopicDescription t = topics.get(name);
            for (TopicPartitionInfo p : t.partitions()) {
                int rf = Math.min(p.replicas().size(), n);
                List<Integer> replicas = new ArrayList<>();
                for (int r = 0; r < rf; r++) {
                    replicas.add(brokers.get((topicIndex + p.partition() + r) % n));
                }
                targets.put(new TopicPartition(name, p.partition()), replicas);
            }
            topicIndex++;
        }
        return targets;
    }
}
