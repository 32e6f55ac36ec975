package io.vertebra.node.clients;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * Runs in a child JVM whose class path holds this class and ONE older kafka-clients release (2.1 ... 3.9) with its
 * own codec jars — not kafka-clients 4.x. It is compiled against 4.x, so it uses only API that exists with the same
 * signature since 2.1 ({@code AdminClient} as the static type, {@code Future} rather than {@code KafkaFuture}
 * methods, {@code close()} without a timeout, {@code DescribeTopicsResult.all()} by reflection since 4.x dropped
 * it). Every operation is checked here against what was written (exact offsets, keys, values, timestamps) and the
 * outcome printed as {@code RESULT name=value} lines for {@link OlderJavaClientsIT} to assert; a failing operation
 * prints {@code RESULT name.error=...} and the driver goes on with the next one.
 *
 * <p>Modes: {@code ops <bootstrap> <prefix> <replicationFactor>} and
 * {@code failover <bootstrap> <topic> <stopFile>}.
 */
public final class OldClientDriver {
    static final String[] CODECS = {"none", "gzip", "snappy", "lz4", "zstd"};
    static final int CODEC_RECORDS = 200;
    static final int TIME_RECORDS = 10;
    static final int GROUP_RECORDS = 100;

    private OldClientDriver() {}

    public static void main(String[] args) throws Exception {
        result("client.version", AppInfoParser.getVersion());
        String mode = args[0];
        String bootstrap = args[1];
        if (mode.equals("ops")) {
            String prefix = args[2];
            short rf = Short.parseShort(args[3]);
            try (AdminClient admin = AdminClient.create(props(bootstrap))) {
                run("admin", () -> admin(admin, prefix, rf));
                for (String codec : CODECS) {
                    run("codec." + codec, () -> codec(admin, bootstrap, prefix, rf, codec));
                }
                run("group", () -> group(admin, bootstrap, prefix, rf));
                run("time", () -> byTime(admin, bootstrap, prefix, rf));
            }
        } else if (mode.equals("failover")) {
            run("failover", () -> failover(bootstrap, args[2], Path.of(args[3])));
        } else {
            throw new IllegalArgumentException(mode);
        }
        result("done", "true");
        System.out.flush();
        // the clients' own non-daemon threads are closed; exit explicitly so a stuck one cannot hang the test
        System.exit(0);
    }

    interface Op {
        void run() throws Exception;
    }

    static void run(String name, Op op) {
        try {
            op.run();
        } catch (Throwable e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            result(name + ".error", cause.getClass().getName() + ": " + cause.getMessage());
            cause.printStackTrace(System.out);
        }
    }

    static synchronized void result(String name, Object value) {
        System.out.println("RESULT " + name + "=" + value);
        System.out.flush();
    }

    static Properties props(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("request.timeout.ms", "15000");
        return p;
    }

    static KafkaProducer<String, String> producer(String bootstrap, String codec) {
        Properties p = props(bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("max.in.flight.requests.per.connection", "5");
        p.put("retries", Integer.toString(Integer.MAX_VALUE));
        p.put("delivery.timeout.ms", "120000");
        p.put("linger.ms", "5");
        p.put("compression.type", codec);
        p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        p.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        return new KafkaProducer<>(p);
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
        Properties p = props(bootstrap);
        if (group != null) {
            p.put("group.id", group);
        }
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        p.put("max.poll.records", "1000");
        p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        p.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        return new KafkaConsumer<>(p);
    }

    static void createTopic(AdminClient admin, String topic, int partitions, short rf, Map<String, String> configs)
            throws Exception {
        NewTopic t = new NewTopic(topic, partitions, rf);
        if (!configs.isEmpty()) {
            t.configs(configs);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Future<Void> created =
                    admin.createTopics(Collections.singletonList(t)).all();
            try {
                created.get(60, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                // on a loaded machine a live broker can miss heartbeats and be fenced for a moment; the broker is
                // right to refuse RF=3 then. Retried (and reported) rather than failed; anything else fails.
                if (!(e.getCause() instanceof InvalidReplicationFactorException) || System.nanoTime() > deadline) {
                    throw e;
                }
                result("createTopics.retried", topic + ": " + e.getCause().getMessage());
                Thread.sleep(250);
            }
        }
    }

    /** {@code describeTopics(...).all()}: present from 2.1 to 3.9, removed in 4.0 (so called by reflection). */
    @SuppressWarnings("unchecked")
    static Map<String, TopicDescription> describe(AdminClient admin, List<String> topics) throws Exception {
        Object result = admin.describeTopics(topics);
        Future<Map<String, TopicDescription>> all = (Future<Map<String, TopicDescription>>)
                result.getClass().getMethod("all").invoke(result);
        return all.get(30, TimeUnit.SECONDS);
    }

    /** Reads {@code tp} from its beginning up to {@code end} (assign/seekToBeginning, no group). */
    static List<ConsumerRecord<String, String>> readAll(String bootstrap, TopicPartition tp, long end) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null)) {
            consumer.assign(Collections.singletonList(tp));
            consumer.seekToBeginning(Collections.singletonList(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    // --- admin: create with a config, describe, describe configs, list, delete -----------------------------

    static void admin(AdminClient admin, String prefix, short rf) throws Exception {
        String topic = prefix + "-admin";
        Map<String, String> configs = new HashMap<>();
        configs.put("retention.ms", "7654321");
        configs.put("min.insync.replicas", Integer.toString(Math.min(2, rf)));
        createTopic(admin, topic, 3, rf, configs);
        TopicDescription d = describe(admin, Collections.singletonList(topic)).get(topic);
        result("admin.describe.name", d.name());
        result("admin.describe.partitions", d.partitions().size());
        Set<Integer> rfs = new HashSet<>();
        int withLeader = 0;
        for (var p : d.partitions()) {
            rfs.add(p.replicas().size());
            if (p.leader() != null && p.leader().id() >= 0) {
                withLeader++;
            }
        }
        result("admin.describe.replicas", rfs);
        result("admin.describe.withLeader", withLeader);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Future<Map<ConfigResource, Config>> configsFuture =
                admin.describeConfigs(Collections.singletonList(resource)).all();
        Config config = configsFuture.get(30, TimeUnit.SECONDS).get(resource);
        result("admin.config.retention.ms", config.get("retention.ms").value());
        result(
                "admin.config.min.insync.replicas",
                config.get("min.insync.replicas").value());
        Future<Set<String>> names = admin.listTopics().names();
        result("admin.listed", names.get(30, TimeUnit.SECONDS).contains(topic));

        Future<Void> deleted =
                admin.deleteTopics(Collections.singletonList(topic)).all();
        deleted.get(60, TimeUnit.SECONDS);
        String afterDelete;
        try {
            afterDelete = "still described: " + describe(admin, Collections.singletonList(topic));
        } catch (ExecutionException e) {
            afterDelete = e.getCause().getClass().getSimpleName();
        }
        result("admin.describeAfterDelete", afterDelete);
        Future<Set<String>> namesAfter = admin.listTopics().names();
        result("admin.listedAfterDelete", namesAfter.get(30, TimeUnit.SECONDS).contains(topic));
    }

    // --- idempotent produce with one codec, read back exactly ----------------------------------------------

    static String codecValue(String codec, int i) {
        // repetitive so that the codec has something to compress
        return codec + "-" + i + "-" + "abcdefgh".repeat(20);
    }

    static void codec(AdminClient admin, String bootstrap, String prefix, short rf, String codec) throws Exception {
        String topic = prefix + "-codec-" + codec;
        createTopic(admin, topic, 1, rf, Collections.emptyMap());
        long base = System.currentTimeMillis() - 60_000;
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(bootstrap, codec)) {
            for (int i = 0; i < CODEC_RECORDS; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, 0, base + i, "k" + i, codecValue(codec, i))));
            }
            producer.flush();
            int offsetMismatches = 0;
            for (int i = 0; i < CODEC_RECORDS; i++) {
                if (sends.get(i).get(60, TimeUnit.SECONDS).offset() != i) {
                    offsetMismatches++;
                }
            }
            result("codec." + codec + ".ackedOffsetMismatches", offsetMismatches);
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        List<ConsumerRecord<String, String>> records = readAll(bootstrap, tp, CODEC_RECORDS);
        int mismatches = 0;
        String first = null;
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, String> r = records.get(i);
            boolean ok = r.offset() == i
                    && ("k" + i).equals(r.key())
                    && codecValue(codec, i).equals(r.value())
                    && r.timestamp() == base + i;
            if (!ok) {
                mismatches++;
                if (first == null) {
                    first = "offset " + r.offset() + " key " + r.key() + " ts " + r.timestamp();
                }
            }
        }
        result("codec." + codec + ".read", records.size());
        result("codec." + codec + ".mismatches", mismatches + (first == null ? "" : " first: " + first));
    }

    // --- consumer group: subscribe, commitSync, committed offsets read back, resume from them -----------------

    static void group(AdminClient admin, String bootstrap, String prefix, short rf) throws Exception {
        String topic = prefix + "-group";
        String group = prefix + "-g";
        createTopic(admin, topic, 2, rf, Collections.emptyMap());
        Map<Integer, Integer> perPartition = new TreeMap<>();
        try (KafkaProducer<String, String> producer = producer(bootstrap, "none")) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < GROUP_RECORDS; i++) {
                sends.add(producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "g" + i)));
            }
            for (Future<RecordMetadata> f : sends) {
                perPartition.merge(f.get(60, TimeUnit.SECONDS).partition(), 1, Integer::sum);
            }
        }
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Set<String> seen = new HashSet<>();
        int duplicates = 0;
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, group)) {
            consumer.subscribe(Collections.singletonList(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.size() < GROUP_RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (!seen.add(r.value())) {
                        duplicates++;
                    }
                }
            }
            result("group.consumed", seen.size());
            result("group.duplicates", duplicates);
            result("group.assignment", consumer.assignment().size());
            consumer.commitSync();
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, group);
        result(
                "group.committed.p0",
                committed.containsKey(p0) ? committed.get(p0).offset() : "none");
        result(
                "group.committed.p1",
                committed.containsKey(p1) ? committed.get(p1).offset() : "none");

        // commit explicit offsets with metadata (rewind p0 to 7), then a new member resumes from them
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, group)) {
            consumer.subscribe(Collections.singletonList(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.assignment().size() < 2 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            Map<TopicPartition, OffsetAndMetadata> rewind = new HashMap<>();
            rewind.put(p0, new OffsetAndMetadata(7, "rewound"));
            consumer.commitSync(rewind);
        }
        committed = committed(admin, group);
        result(
                "group.rewound.p0",
                committed.get(p0).offset() + "/" + committed.get(p0).metadata());
        List<String> resumed = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, group)) {
            consumer.subscribe(Collections.singletonList(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int expected = perPartition.get(0) - 7;
            while (resumed.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    resumed.add(r.partition() + ":" + r.offset() + ":" + r.value());
                }
            }
            // nothing more arrives: p1 was committed at its end
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                resumed.add(r.partition() + ":" + r.offset() + ":" + r.value());
            }
        }
        result("group.resumed.count", resumed.size());
        result("group.resumed.first", resumed.isEmpty() ? "none" : resumed.get(0));
        result("group.resumed.last", resumed.isEmpty() ? "none" : resumed.get(resumed.size() - 1));
    }

    static Map<TopicPartition, OffsetAndMetadata> committed(AdminClient admin, String group) throws Exception {
        Future<Map<TopicPartition, OffsetAndMetadata>> f =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata();
        return f.get(30, TimeUnit.SECONDS);
    }

    // --- offsets by time, beginning and end offsets ---------------------------------------------------------

    static void byTime(AdminClient admin, String bootstrap, String prefix, short rf) throws Exception {
        String topic = prefix + "-time";
        createTopic(admin, topic, 1, rf, Collections.emptyMap());
        long t0 = System.currentTimeMillis() - 3_600_000;
        try (KafkaProducer<String, String> producer = producer(bootstrap, "none")) {
            for (int i = 0; i < TIME_RECORDS; i++) {
                // one send at a time: each record its own batch, so the broker's time index sees every one
                producer.send(new ProducerRecord<>(topic, 0, t0 + i * 1000L, "k" + i, "t" + i))
                        .get(60, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null)) {
            List<TopicPartition> tps = Collections.singletonList(tp);
            result("time.beginning", consumer.beginningOffsets(tps).get(tp));
            result("time.end", consumer.endOffsets(tps).get(tp));
            long[] queries = {t0 - 1, t0, t0 + 3500, t0 + 9000, t0 + 9001};
            String[] names = {"before", "first", "between", "last", "after"};
            for (int i = 0; i < queries.length; i++) {
                Map<TopicPartition, OffsetAndTimestamp> found =
                        consumer.offsetsForTimes(Collections.singletonMap(tp, queries[i]));
                OffsetAndTimestamp o = found.get(tp);
                result("time." + names[i], o == null ? "null" : o.offset() + "@" + (o.timestamp() - t0));
            }
        }
    }

    // --- failover: idempotent acks=all producer until told to stop; every ack read back exactly once ----------

    static void failover(String bootstrap, String topic, Path stopFile) throws Exception {
        try (AdminClient admin = AdminClient.create(props(bootstrap))) {
            Map<String, String> configs = new HashMap<>();
            configs.put("min.insync.replicas", "2");
            createTopic(admin, topic, 1, (short) 3, configs);
            TopicDescription d =
                    describe(admin, Collections.singletonList(topic)).get(topic);
            result("failover.replicas", d.partitions().get(0).replicas().size());
        }
        Map<Long, String> acked = new java.util.concurrent.ConcurrentSkipListMap<>();
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>("none");
        try (KafkaProducer<String, String> producer = producer(bootstrap, "lz4")) {
            for (int i = 0; ; i++) {
                if (i % 100 == 0) {
                    if (Files.exists(stopFile)) {
                        break;
                    }
                    System.out.println("ACKED " + acked.size());
                    System.out.flush();
                }
                String value = "value-" + i;
                producer.send(new ProducerRecord<>(topic, 0, null, value), (m, e) -> {
                    if (e == null) {
                        acked.put(m.offset(), value);
                    } else {
                        failed.incrementAndGet();
                        firstError.compareAndSet("none", e.toString());
                    }
                });
                if (i % 500 == 499) {
                    producer.flush();
                }
            }
            producer.flush();
        }
        result("failover.acked", acked.size());
        result("failover.sendErrors", failed.get() + " first: " + firstError.get());
        TopicPartition tp = new TopicPartition(topic, 0);
        long end;
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, null)) {
            end = consumer.endOffsets(Collections.singletonList(tp)).get(tp);
        }
        List<ConsumerRecord<String, String>> records = readAll(bootstrap, tp, end);
        Map<Long, String> read = new HashMap<>();
        Set<String> values = new HashSet<>();
        int duplicates = 0;
        int outOfOrder = 0;
        int previous = -1;
        for (ConsumerRecord<String, String> r : records) {
            read.put(r.offset(), r.value());
            if (!values.add(r.value())) {
                duplicates++;
            }
            int n = Integer.parseInt(r.value().substring("value-".length()));
            if (n <= previous) {
                outOfOrder++;
            }
            previous = n;
        }
        int missing = 0;
        for (Map.Entry<Long, String> e : acked.entrySet()) {
            if (!e.getValue().equals(read.get(e.getKey()))) {
                missing++;
            }
        }
        result("failover.end", end);
        result("failover.read", records.size());
        result("failover.duplicates", duplicates);
        result("failover.outOfOrder", outOfOrder);
        result("failover.ackedNotReadBackAtItsOffset", missing);
    }
}
