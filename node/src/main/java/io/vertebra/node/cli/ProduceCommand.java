package io.vertebra.node.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vertebra produce TOPIC}: one record per line of standard input, as kafka-console-producer. With
 * {@code --key-separator}, the text before the first separator is the key. Every record is acknowledged before the
 * command exits (acks=all, idempotent).
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Send each line of standard input to a topic as one record.")
public final class ProduceCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "TOPIC", description = "The topic to write to.")
    String topic;

    @Option(
            names = "--key-separator",
            paramLabel = "SEP",
            description = "Split each line at the first SEP into key and value (default: no key).")
    String keySeparator;

    @Override
    public Integer call() throws Exception {
        kafka.requireReachable();
        Map<String, Object> config = kafka.clientConfig();
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("linger.ms", 5);
        config.put("max.block.ms", KafkaOptions.TIMEOUT_S * 1000);
        config.put("delivery.timeout.ms", KafkaOptions.TIMEOUT_S * 1000);
        config.put("request.timeout.ms", 15_000);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long count = 0;
        try (KafkaProducer<String, String> producer =
                        new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null && failure.get() == null; ) {
                String key = null;
                String value = line;
                if (keySeparator != null && !keySeparator.isEmpty()) {
                    int at = line.indexOf(keySeparator);
                    if (at < 0) {
                        throw new CliException("line " + (count + 1) + " has no key separator '" + keySeparator
                                + "': \"" + line + "\"; write KEY" + keySeparator + "VALUE, or leave out"
                                + " --key-separator");
                    }
                    key = line.substring(0, at);
                    value = line.substring(at + keySeparator.length());
                }
                producer.send(new ProducerRecord<>(topic, key, value), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                count++;
            }
            producer.flush();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw kafka.unreachable();
        }
        if (failure.get() != null) {
            Exception e = failure.get();
            if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw kafka.unreachable();
            }
            throw new CliException("cannot write to topic " + topic + ": " + e.getMessage());
        }
        System.err.println("produced " + count + " record(s) to " + topic);
        return 0;
    }
}
