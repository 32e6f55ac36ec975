package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vertebra consume TOPIC}: prints records as they arrive, one value per line, as kafka-console-consumer. From
 * the latest offset unless {@code --from-beginning}; without {@code --group} it reads every partition and commits
 * nothing, with a group it joins it and commits what it printed. Stops after {@code --max-messages}, after
 * {@code --timeout} seconds without a record, or on Ctrl-C.
 */
@Command(name = "consume", mixinStandardHelpOptions = true, description = "Print the records of a topic, one per line.")
public final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "TOPIC", description = "The topic to read.")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest record (default: only new records).")
    boolean fromBeginning;

    @Option(
            names = {"-g", "--group"},
            paramLabel = "GROUP",
            description = "Consume as a member of this consumer group, committing offsets (default: no group).")
    String group;

    @Option(
            names = {"-n", "--max-messages"},
            paramLabel = "N",
            description = "Exit after N records (default: run until Ctrl-C).")
    Long maxMessages;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description = "Exit when no record arrived for this long (default: wait forever).")
    Long timeoutSeconds;

    @Option(names = "--print-key", description = "Print KEY<separator>VALUE.")
    boolean printKey;

    @Option(
            names = "--key-separator",
            paramLabel = "SEP",
            defaultValue = "\t",
            description = "Separator between key and value with --print-key (default: a tab).")
    String keySeparator;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "text",
            description = "text (the value, one per line) or json (one object per record: topic, partition, offset,"
                    + " timestamp, key, value).")
    String format;

    @Override
    public Integer call() {
        if (!format.equals("text") && !format.equals("json")) {
            throw new CliException("-o " + format + " is not an output format of consume; use text or json");
        }
        kafka.requireReachable();
        Map<String, Object> config = kafka.clientConfig();
        config.put("auto.offset.reset", fromBeginning ? "earliest" : "latest");
        config.put("enable.auto.commit", "false");
        config.put("allow.auto.create.topics", "false"); // a mistyped name must not create a topic
        if (group != null) {
            config.put("group.id", group);
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                main.join(5000);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        long count = 0;
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            if (group != null) {
                consumer.subscribe(List.of(topic));
            } else {
                List<TopicPartition> partitions = partitions(consumer);
                consumer.assign(partitions);
                if (fromBeginning) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
            }
            long lastRecordNs = System.nanoTime();
            while (!stop.get() && (maxMessages == null || count < maxMessages)) {
                Map<TopicPartition, OffsetAndMetadata> printed = new HashMap<>();
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    print(r);
                    printed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                    count++;
                    if (maxMessages != null && count >= maxMessages) {
                        break;
                    }
                }
                if (!printed.isEmpty()) {
                    lastRecordNs = System.nanoTime();
                    if (group != null) {
                        consumer.commitSync(printed); // what was printed: a record past --max-messages stays unread
                    }
                } else if (consumer.assignment().isEmpty()) {
                    lastRecordNs = System.nanoTime(); // still joining the group: the timeout counts from the assignment
                } else if (timeoutSeconds != null
                        && System.nanoTime() - lastRecordNs
                                > Duration.ofSeconds(timeoutSeconds).toNanos()) {
                    break;
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw kafka.unreachable();
        } finally {
            System.out.flush();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // shutting down
            }
        }
        System.err.println("consumed " + count + " record(s) from " + topic);
        return 0;
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, String> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(KafkaOptions.TIMEOUT_S));
        if (infos == null || infos.isEmpty()) {
            throw new CliException(
                    "topic " + topic + " does not exist; create it with: vertebra topics create " + topic);
        }
        List<TopicPartition> out = new ArrayList<>();
        infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
        return out;
    }

    private void print(ConsumerRecord<String, String> r) {
        if (format.equals("json")) {
            ObjectNode o = RestClient.JSON.createObjectNode();
            o.put("topic", r.topic());
            o.put("partition", r.partition());
            o.put("offset", r.offset());
            o.put("timestamp", r.timestamp());
            o.put("key", r.key());
            o.put("value", r.value());
            System.out.println(o.toString());
        } else {
            System.out.println(printKey ? r.key() + keySeparator + r.value() : r.value());
        }
    }
}
