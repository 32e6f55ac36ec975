package io.vertebra.log;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertebra.log.security.InternalResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** An in-process broker on a random loopback port over a test's temp directory, with client factories. */
public final class TestBroker implements AutoCloseable {
    private final Path dataDir;
    private final Map<String, String> settings;
    private final MeterRegistry registry;
    private InternalResources internal = InternalResources.NONE;
    private Broker broker;

    public TestBroker(Path dataDir, Map<String, String> extra) {
        this(dataDir, extra, null);
    }

    /** {@code registry}: where the broker registers its meters; null: a registry of the broker's own. */
    public TestBroker(Path dataDir, Map<String, String> extra, MeterRegistry registry) {
        this.dataDir = dataDir;
        this.registry = registry;
        this.settings = new HashMap<>();
        settings.put("node.id", "1");
        settings.put("log.dir", dataDir.resolve("log").toString());
        settings.put("listener.host", "127.0.0.1");
        settings.put("listener.port", "0");
        settings.put("advertised.host", "127.0.0.1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("offsets.topic.num.partitions", "5");
        settings.putAll(extra);
    }

    /** The broker protects {@code resources} as a node's worker topics and group (set before {@link #start()}). */
    public TestBroker protecting(InternalResources resources) {
        this.internal = resources;
        return this;
    }

    public static TestBroker start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    public static TestBroker start(Path dataDir, Map<String, String> extra) {
        TestBroker b = new TestBroker(dataDir, extra);
        b.start();
        return b;
    }

    /** Starts (or restarts, keeping the port when known) the broker on the same data directory. */
    public void start() {
        try {
            broker = registry == null && internal == InternalResources.NONE
                    ? Broker.start(settings)
                    : Broker.start(settings, registry == null ? new SimpleMeterRegistry() : registry, internal);
            settings.put("listener.port", Integer.toString(broker.port()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    public void restart() {
        stop();
        start();
    }

    public Broker broker() {
        return broker;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String bootstrap() {
        return "127.0.0.1:" + settings.get("listener.port");
    }

    public KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.putAll(overrides);
        return new KafkaProducer<>(p);
    }

    public KafkaConsumer<String, String> consumer(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putAll(overrides);
        return new KafkaConsumer<>(p);
    }

    public Admin admin() {
        return admin(Map.of());
    }

    public Admin admin(Map<String, Object> overrides) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.putAll(overrides);
        return Admin.create(p);
    }

    @Override
    public void close() {
        stop();
    }
}
