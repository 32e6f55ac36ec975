package io.vertebra.bench.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * An idempotent acks=all producer writing numbered values to one partition without pause, recording every
 * acknowledgement and the longest gap between two of them; then a verifier that reads the partition back and
 * counts acknowledged values lost and values read twice. Used by the failover benchmark and the soak.
 */
final class FailoverProbe implements AutoCloseable {
    final ConcurrentSkipListMap<Long, String> acked = new ConcurrentSkipListMap<>();
    final AtomicLong lastAckNs = new AtomicLong(System.nanoTime());
    final AtomicLong maxGapNs = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final KafkaProducer<String, String> producer;
    private final Thread thread;
    private final String bootstrap;
    private final String topic;

    FailoverProbe(String bootstrap, String topic) {
        this(bootstrap, topic, 0);
    }

    /** A probe writing at most {@code recordsPerSec} (0: as fast as acknowledgements allow). */
    FailoverProbe(String bootstrap, String topic, long recordsPerSec) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "1");
        p.put("delivery.timeout.ms", "120000");
        p.put("request.timeout.ms", "5000");
        p.put("retry.backoff.ms", "20");
        p.put("retry.backoff.max.ms", "200");
        p.put("reconnect.backoff.ms", "20");
        p.put("reconnect.backoff.max.ms", "200");
        p.put("metadata.max.age.ms", "5000");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        producer = new KafkaProducer<>(p);
        thread = new Thread(
                () -> {
                    long startNs = System.nanoTime();
                    for (long i = 0; !stop.get(); i++) {
                        String value = "value-" + i;
                        producer.send(new ProducerRecord<>(topic, 0, null, value), (m, e) -> {
                            if (e == null) {
                                long now = System.nanoTime();
                                long previous = lastAckNs.getAndSet(now);
                                maxGapNs.accumulateAndGet(now - previous, Math::max);
                                acked.put(m.offset(), value);
                            }
                        });
                        if (i % 100 == 0) {
                            producer.flush();
                            if (recordsPerSec > 0) { // pacing, so a long soak keeps a bounded record count
                                long due = startNs + i * 1_000_000_000L / recordsPerSec;
                                java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                            }
                        }
                    }
                },
                "failover-probe");
        thread.start();
    }

    void awaitAcked(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (acked.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only " + acked.size() + " of " + count + " writes acknowledged in " + timeout);
            }
            Thread.sleep(10);
        }
    }

    /** Resets the gap measurement (e.g. right before a kill). */
    void resetGap() {
        lastAckNs.set(System.nanoTime());
        maxGapNs.set(0);
    }

    long maxGapMs() {
        return maxGapNs.get() / 1_000_000;
    }

    /** Acknowledged values not read back, and values read more than once. */
    record Verdict(long acknowledged, long lost, long duplicated) {}

    Verdict verify() {
        Set<String> read = new HashSet<>();
        long duplicated = 0;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!read.add(r.value())) {
                        duplicated++;
                    }
                }
            }
        }
        long lost = acked.values().stream().filter(v -> !read.contains(v)).count();
        return new Verdict(acked.size(), lost, duplicated);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(60_000);
        producer.close(Duration.ofSeconds(60));
    }
}
