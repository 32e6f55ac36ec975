package io.vertebra.bench.jdbc;

import io.vertebra.connect.jdbc.testing.JsonRecords;
import io.vertebra.connect.jdbc.testing.Rows;
import io.vertebra.testkit.PrivatePostgres;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.RealKafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * JDBC sink benchmark: the same 1M-record upsert stream (JSON with schemas, every key twice, so half the records
 * update a row) from one real Kafka topic into one private PostgreSQL, by
 *
 * <ol>
 *   <li>the Debezium JDBC sink 3.6.0.Final in Apache Kafka Connect 4.3.1,
 *   <li>Vertebra's JDBC sink in the same Kafka Connect worker, and in a Vertebra node (pure-worker mode) when
 *       the node is built ({@code --node 0} leaves it out),
 *   <li>a plain {@code COPY} of as many rows straight from this JVM (the ceiling).
 * </ol>
 *
 * Each sink is timed from the connector's creation until its table holds the last record; then the table's final
 * state is checked. Prints records per second (the median over rounds) and the ratios. Options:
 * {@code --records 1000000}, {@code --batch 5000}, {@code --rounds 1} (rounds alternate which sink goes first).
 */
public final class JdbcSinkBench {
    private static final String DEBEZIUM = "io.debezium.connector.jdbc.JdbcSinkConnector";
    private static final String VERTEBRA = "io.vertebra.connect.jdbc.JdbcSinkConnector";
    private static final String TOPIC = "bench_rows";

    private JdbcSinkBench() {}

    public static void main(String[] args) throws Exception {
        int records = option(args, "--records", Integer.getInteger("bench.records", 1_000_000));
        int batch = option(args, "--batch", Integer.getInteger("bench.batch", 5_000));
        int rounds = option(args, "--rounds", 1);
        int keys = records / 2;
        Path root = ProjectLayout.root();
        Path vertebraPlugin = root.resolve("plugins/vertebra-jdbc");
        Path debeziumPlugin = root.resolve("bench/target/bench-plugins/debezium-connector-jdbc");
        require(vertebraPlugin, "./mvnw -B -q -pl connectors/jdbc install -DskipTests");
        require(debeziumPlugin, "./mvnw -B -q -pl bench package -DskipTests");
        Path dir = Files.createTempDirectory("vertebra-jdbc-bench-");
        Path pluginPath = Files.createDirectories(dir.resolve("plugin-path"));
        Files.createSymbolicLink(pluginPath.resolve("vertebra-jdbc"), vertebraPlugin);
        Files.createSymbolicLink(pluginPath.resolve("debezium-connector-jdbc"), debeziumPlugin);

        System.out.printf(
                Locale.ROOT,
                "JDBC sink benchmark: %,d records (%,d keys, upsert), 1 partition, 1 task, batch %,d, %d round(s)%n",
                records,
                keys,
                batch,
                rounds);
        try (PrivatePostgres pg = PrivatePostgres.start(
                        PrivatePostgres.binaries()
                                .orElseThrow(
                                        () -> new IllegalStateException("PostgreSQL is not installed (set PG_BIN)")),
                        Map.of("shared_buffers", "256MB", "max_wal_size", "4GB"));
                RealKafkaCluster kafka = RealKafkaCluster.start(dir.resolve("kafka"), 1, "768m", Map.of())) {
            long produceStart = System.nanoTime();
            produce(kafka.bootstrapServers(), records, keys);
            System.out.printf(Locale.ROOT, "  produced in %.1f s%n", (System.nanoTime() - produceStart) / 1e9);

            double copy = CopyBaseline.run(pg.jdbcUrl(), "bench_copy", records);
            String debezium = "Debezium JDBC sink 3.6.0";
            String vertebra = "Vertebra JDBC sink";
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            rates.put(debezium, new ArrayList<>());
            rates.put(vertebra, new ArrayList<>());
            String runtimeName;
            try (KafkaConnectRuntime connect =
                    new KafkaConnectRuntime(dir.resolve("connect"), kafka.bootstrapServers(), pluginPath, "1g")) {
                runtimeName = connect.name();
                for (int round = 1; round <= rounds; round++) {
                    // alternate who goes first, so a change in machine load hits both alike
                    boolean debeziumFirst = round % 2 == 1;
                    for (int turn = 0; turn < 2; turn++) {
                        if (debeziumFirst == (turn == 0)) {
                            rates.get(debezium)
                                    .add(runSink(
                                            connect,
                                            pg,
                                            "debezium_r" + round,
                                            debeziumConfig(pg, batch, "bench_debezium_r" + round),
                                            records,
                                            keys));
                        } else {
                            rates.get(vertebra)
                                    .add(runSink(
                                            connect,
                                            pg,
                                            "vertebra_r" + round,
                                            vertebraConfig(pg, batch, "bench_vertebra_r" + round),
                                            records,
                                            keys));
                        }
                    }
                }
            }
            Map<String, Double> results = new LinkedHashMap<>();
            rates.forEach((name, list) -> results.put(name + " (" + runtimeName + ")", median(list)));
            if (Files.isRegularFile(VertebraNodeRuntime.jar()) && option(args, "--node", 1) == 1) {
                // a copy, not a link: the node's plugin scanner does not follow symbolic links (yet)
                Path nodePlugins = copyPlugin(vertebraPlugin, dir.resolve("node-plugin-path"));
                try (VertebraNodeRuntime node = VertebraNodeRuntime.start(
                        dir.resolve("vertebra"), kafka.bootstrapServers(), nodePlugins, "1g")) {
                    List<Double> nodeRates = new ArrayList<>();
                    for (int round = 1; round <= rounds; round++) {
                        nodeRates.add(runSink(
                                node,
                                pg,
                                "node_r" + round,
                                vertebraConfig(pg, batch, "bench_node_r" + round),
                                records,
                                keys));
                    }
                    results.put(vertebra + " (" + node.name() + ")", median(nodeRates));
                } catch (RuntimeException e) {
                    // the node is young: report what it did instead of losing the Kafka Connect numbers
                    System.out.println("  Vertebra node: not measured: " + e.getMessage());
                }
            } else {
                System.out.println(
                        "  Vertebra node: not measured (build it: ./mvnw -B -q -pl node install" + " -DskipTests)");
            }
            report(copy, results);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static Map<String, String> common(PrivatePostgres pg, int batch) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("topics", TOPIC);
        config.put("tasks.max", "1");
        config.put("connection.url", pg.jdbcUrl());
        config.put("insert.mode", "upsert");
        config.put("delete.enabled", "true");
        config.put("batch.size", Integer.toString(batch));
        config.put("consumer.override.max.poll.records", Integer.toString(batch));
        config.put("consumer.override.fetch.max.bytes", "104857600");
        config.put("consumer.override.max.partition.fetch.bytes", "20971520");
        return config;
    }

    static Map<String, String> debeziumConfig(PrivatePostgres pg, int batch, String table) {
        Map<String, String> config = common(pg, batch);
        config.put("connector.class", DEBEZIUM);
        config.put("connection.username", pg.user());
        config.put("connection.password", "");
        config.put("primary.key.mode", "record_key");
        config.put("schema.evolution", "basic");
        config.put("collection.name.format", table);
        return config;
    }

    static Map<String, String> vertebraConfig(PrivatePostgres pg, int batch, String table) {
        Map<String, String> config = common(pg, batch);
        config.put("connector.class", VERTEBRA);
        config.put("pk.mode", "record_key");
        config.put("auto.create", "true");
        config.put("auto.evolve", "true");
        config.put("table.name.format", table);
        return config;
    }

    private static void produce(String bootstrap, int records, int keys) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L * 1024 * 1024));
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int seq = 0; seq < records; seq++) {
                long id = seq % keys;
                producer.send(new ProducerRecord<>(TOPIC, JsonRecords.key(id), JsonRecords.value(id, seq, "n" + seq)));
            }
            producer.flush();
        }
    }

    /** Deploys a sink, waits until its table holds the last record, checks the final state; returns records/s. */
    private static double runSink(
            SinkRuntime runtime, PrivatePostgres pg, String name, Map<String, String> config, int records, int keys)
            throws InterruptedException {
        String table = "bench_" + name;
        long lastId = (records - 1) % keys;
        long start = System.nanoTime();
        runtime.deploy(name, config);
        String lastRecord = "SELECT 1 FROM " + table + " WHERE id = " + lastId + " AND seq = " + (records - 1);
        long deadline = start + Duration.ofMinutes(30).toNanos();
        while (!holds(pg, lastRecord)) {
            if (runtime.status(name).contains("FAILED")) {
                throw new IllegalStateException(name + " failed: " + runtime.status(name));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not write the last record within 30 minutes");
            }
            Thread.sleep(50); // polling pace of the measurement, not synchronization
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        runtime.remove(name);
        Number rows = (Number) Rows.scalar(pg.jdbcUrl(), "SELECT count(*) FROM " + table);
        Number updated = (Number) Rows.scalar(pg.jdbcUrl(), "SELECT count(*) FROM " + table + " WHERE seq >= " + keys);
        if (rows.longValue() != keys || updated.longValue() != keys) {
            throw new IllegalStateException(name + " left " + rows + " rows, " + updated + " at their last version;"
                    + " expected " + keys + " and " + keys);
        }
        double rate = records / seconds;
        System.out.printf(Locale.ROOT, "  %-9s %,.0f records/s (%.1f s)%n", name, rate, seconds);
        return rate;
    }

    /** Whether the query returns a row now; false while the table does not exist yet. */
    private static boolean holds(PrivatePostgres pg, String sql) {
        try {
            return !Rows.query(pg.jdbcUrl(), sql).isEmpty();
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static void report(double copy, Map<String, Double> results) {
        // the first entry is Debezium, the yardstick
        List<String> names = new ArrayList<>(results.keySet());
        double debezium = results.get(names.get(0));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-50s %,12.0f rows/s%n", "plain COPY baseline (no Kafka)", copy);
        for (String name : names) {
            double rate = results.get(name);
            System.out.printf(
                    Locale.ROOT,
                    "%-50s %,12.0f records/s  %5.2fx Debezium  %5.1f%% of COPY%n",
                    name,
                    rate,
                    rate / debezium,
                    100 * rate / copy);
        }
    }

    /** Copies a plugin directory into {@code pluginPath}/<its name>; returns {@code pluginPath}. */
    private static Path copyPlugin(Path plugin, Path pluginPath) throws java.io.IOException {
        Path target = Files.createDirectories(pluginPath.resolve(plugin.getFileName()));
        try (Stream<Path> jars = Files.list(plugin)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, target.resolve(jar.getFileName()));
            }
        }
        return pluginPath;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static int option(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1].replace("_", ""));
            }
        }
        return fallback;
    }

    private static void require(Path dir, String build) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing; build it with: " + build);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // a temp directory
        }
    }
}
