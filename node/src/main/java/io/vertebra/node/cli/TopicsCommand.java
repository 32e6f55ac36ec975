package io.vertebra.node.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vertebra topics create|list|describe|delete}: topics through the Kafka Admin API, as kafka-topics does. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = "Create, list, describe and delete topics.",
        subcommands = {
            TopicsCommand.Create.class,
            TopicsCommand.ListTopics.class,
            TopicsCommand.Describe.class,
            TopicsCommand.Delete.class
        })
public final class TopicsCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a topic.")
    static final class Create implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Parameters(paramLabel = "TOPIC", description = "The topic's name.")
        String topic;

        @Option(
                names = {"-p", "--partitions"},
                paramLabel = "N",
                description = "Partitions (default: the broker's num.partitions).")
        Integer partitions;

        @Option(
                names = {"-r", "--replication-factor"},
                paramLabel = "N",
                description = "Replicas per partition (default: the broker's default.replication.factor).")
        Short replicationFactor;

        @Option(
                names = {"-c", "--config"},
                paramLabel = "KEY=VALUE",
                description = "A topic config, e.g. cleanup.policy=compact; repeat for more.")
        Map<String, String> configs = new LinkedHashMap<>();

        @Option(names = "--if-not-exists", description = "Succeed when the topic already exists.")
        boolean ifNotExists;

        @Override
        public Integer call() {
            try (Admin admin = kafka.admin()) {
                NewTopic t = new NewTopic(
                                topic, Optional.ofNullable(partitions), Optional.ofNullable(replicationFactor))
                        .configs(configs);
                try {
                    kafka.get(admin.createTopics(List.of(t)).all(), "create topic " + topic);
                } catch (CliException e) {
                    if (ifNotExists && e.getMessage().contains("already exists")) {
                        System.out.println("topic " + topic + " already exists");
                        return 0;
                    }
                    throw e;
                }
                System.out.println("created topic " + topic);
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the topics.")
    static final class ListTopics implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        OutputOptions output;

        @Option(names = "--internal", description = "Include internal topics (__consumer_offsets, ...).")
        boolean internal;

        @Override
        public Integer call() {
            try (Admin admin = kafka.admin()) {
                TreeSet<String> names = new TreeSet<>(kafka.get(
                        admin.listTopics(new ListTopicsOptions().listInternal(internal))
                                .names(),
                        "list topics"));
                Map<String, TopicDescription> descriptions = names.isEmpty()
                        ? Map.of()
                        : kafka.get(admin.describeTopics(names).allTopicNames(), "describe topics");
                List<Map<String, Object>> out = new ArrayList<>();
                Table table = new Table("TOPIC", "PARTITIONS", "REPLICATION");
                for (String name : names) {
                    TopicDescription d = descriptions.get(name);
                    if (d == null) {
                        continue;
                    }
                    int rf = d.partitions().isEmpty()
                            ? 0
                            : d.partitions().get(0).replicas().size();
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", name);
                    row.put("partitions", d.partitions().size());
                    row.put("replicationFactor", rf);
                    out.add(row);
                    table.row(name, d.partitions().size(), rf);
                }
                if (!output.print(out, System.out)) {
                    if (table.size() == 0) {
                        System.out.println("no topics; create one with: vertebra topics create NAME");
                    } else {
                        table.print(System.out);
                    }
                }
                return 0;
            }
        }
    }

    @Command(
            name = "describe",
            mixinStandardHelpOptions = true,
            description = "Show a topic's partitions (leader, replicas, in-sync replicas) and the configs set on it.")
    static final class Describe implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "TOPIC", description = "The topic's name.")
        String topic;

        @Override
        public Integer call() {
            try (Admin admin = kafka.admin()) {
                TopicDescription d = kafka.get(
                                admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic)
                        .get(topic);
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config config = kafka.get(
                                admin.describeConfigs(List.of(resource)).all(), "describe topic configs")
                        .get(resource);
                Map<String, String> configs = new java.util.TreeMap<>();
                if (config != null) {
                    for (ConfigEntry e : config.entries()) {
                        if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                            configs.put(e.name(), e.isSensitive() ? "[hidden]" : e.value());
                        }
                    }
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("name", topic);
                out.put("id", d.topicId() == null ? null : d.topicId().toString());
                out.put("partitions", d.partitions().size());
                out.put(
                        "replicationFactor",
                        d.partitions().isEmpty()
                                ? 0
                                : d.partitions().get(0).replicas().size());
                out.put("configs", configs);
                List<Map<String, Object>> parts = new ArrayList<>();
                Table table = new Table("PARTITION", "LEADER", "REPLICAS", "IN-SYNC");
                for (TopicPartitionInfo p : d.partitions()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("partition", p.partition());
                    row.put("leader", p.leader() == null ? null : p.leader().id());
                    row.put("replicas", ids(p.replicas()));
                    row.put("isr", ids(p.isr()));
                    parts.add(row);
                    table.row(
                            p.partition(),
                            p.leader() == null ? "none" : p.leader().id(),
                            join(ids(p.replicas())),
                            join(ids(p.isr())));
                }
                out.put("partitionDetails", parts);
                if (!output.print(out, System.out)) {
                    System.out.println("Topic: " + topic + "   partitions: "
                            + d.partitions().size() + "   replication factor: " + out.get("replicationFactor"));
                    System.out.println("Configs: " + (configs.isEmpty() ? "(broker defaults)" : configs));
                    table.print(System.out);
                }
                return 0;
            }
        }

        private static List<Integer> ids(List<Node> nodes) {
            return nodes.stream().map(Node::id).toList();
        }

        private static String join(List<Integer> ids) {
            return String.join(",", ids.stream().map(String::valueOf).toList());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete topics and their records.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        KafkaOptions kafka;

        @Parameters(paramLabel = "TOPIC", arity = "1..*", description = "The topics to delete.")
        List<String> topics;

        @Override
        public Integer call() {
            try (Admin admin = kafka.admin()) {
                kafka.get(admin.deleteTopics(topics).all(), "delete " + String.join(", ", topics));
                topics.forEach(t -> System.out.println("deleted topic " + t));
                return 0;
            }
        }
    }
}
