package io.vertebra.bench.cdc;

import io.vertebra.connect.jdbc.testing.Rows;
import io.vertebra.testkit.PrivatePostgres;
import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PostgreSQL change data capture end to end, database to database: the same Debezium PostgresConnector 3.6.1 reads a
 * private PostgreSQL 15 ({@code wal_level=logical}) and a JDBC sink writes the rows into a second database, run by
 *
 * <ol>
 *   <li>Apache Kafka 4.3.1 and Apache Kafka Connect 4.3.1 (two JVMs) with the Debezium JDBC sink 3.6.0.Final,
 *   <li>one Vertebra node (embedded log and worker, one JVM) with Vertebra's JDBC sink,
 * </ol>
 *
 * one after the other on the same machine and database, alternating which goes first each round. Measured for each:
 *
 * <ul>
 *   <li><b>snapshot rows/s end to end</b>: from the creation of the two connectors until the destination table holds
 *       every row of the {@code --rows}-row source table (start-up included);
 *   <li><b>change lag</b>: then {@code --rate} changes/s for {@code --seconds} (transactions of {@code --tx-rows}
 *       changes, half inserts and half updates), each transaction's time from commit at the source to visible at the
 *       destination ({@link SteadyChanges}); p50, p99, p99.9 and max after a warm-up.
 * </ul>
 *
 * Afterwards the destination is checked to equal the source (row count, sum of quantities). Options: {@code --rows
 * 200000}, {@code --rate 10000}, {@code --tx-rows 20}, {@code --seconds 30}, {@code --warmup 5}, {@code --rounds 1},
 * {@code --systems kafka-connect,vertebra}, {@code --fetch-wait-ms N} (the sinks' consumers' {@code
 * fetch.max.wait.ms}, both alike; default: the consumer's 500 ms). Goals (issue 8): snapshot ≥ 1.5× the Kafka Connect pipeline; lag p99 <
 * 100 ms at 10,000 changes/s.
 */
public final class CdcBench {
    private static final String KAFKA_CONNECT = "kafka-connect";
    private static final String VERTEBRA = "vertebra";

    /** {@code consumer.override.fetch.max.wait.ms} for both sinks; -1 leaves the consumer default (500 ms). */
    private static int fetchWaitMs = -1;

    private static boolean jfr;

    private CdcBench() {}

    /** One pipeline's numbers in one round. */
    record Run(
            String system,
            int round,
            double snapshotRowsPerSecond,
            double snapshotRowsPerCpuSecond,
            double snapshotSeconds,
            SteadyChanges.Result lag) {}

    public static void main(String[] args) throws Exception {
        int rows = option(args, "--rows", 200_000);
        int rate = option(args, "--rate", 10_000);
        int txRows = option(args, "--tx-rows", 20);
        int seconds = option(args, "--seconds", 30);
        int warmup = option(args, "--warmup", 5);
        int rounds = option(args, "--rounds", 1);
        fetchWaitMs = option(args, "--fetch-wait-ms", -1);
        jfr = List.of(args).contains("--jfr");
        List<String> systems =
                List.of(text(args, "--systems", KAFKA_CONNECT + "," + VERTEBRA).split(","));

        Path root = ProjectLayout.root();
        Path cdcPlugin = require(root.resolve("plugins/vertebra-cdc-postgres"), "-pl connectors/cdc-postgres");
        Path vertebraJdbc = require(root.resolve("plugins/vertebra-jdbc"), "-pl connectors/jdbc");
        Path debeziumJdbc =
                require(root.resolve("bench/target/bench-plugins/debezium-connector-jdbc"), "-pl bench package");
        Path dir = Files.createTempDirectory("vertebra-cdc-bench-");
        // Kafka Connect reads plugin directories through links; the node's scanner wants real directories
        Path connectPlugins = Files.createDirectories(dir.resolve("connect-plugins"));
        Files.createSymbolicLink(connectPlugins.resolve("debezium-connector-postgres"), cdcPlugin);
        Files.createSymbolicLink(connectPlugins.resolve("debezium-connector-jdbc"), debeziumJdbc);
        Path nodePlugins = Files.createDirectories(dir.resolve("node-plugins"));
        copy(cdcPlugin, nodePlugins.resolve("vertebra-cdc-postgres"));
        copy(vertebraJdbc, nodePlugins.resolve("vertebra-jdbc"));

        System.out.printf(
                Locale.ROOT,
                "CDC benchmark: PostgreSQL 15 -> Debezium PostgresConnector 3.6.1 -> JDBC sink -> PostgreSQL;"
                        + " %,d-row snapshot, then %,d changes/s for %d s (%d per transaction), %d round(s);"
                        + " load average now %s%n",
                rows,
                rate,
                seconds,
                txRows,
                rounds,
                loadAverage());
        List<Run> runs = new ArrayList<>();
        try (PrivatePostgres pg = PrivatePostgres.start(
                PrivatePostgres.binaries()
                        .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed (set PG_BIN)")),
                Map.of("shared_buffers", "256MB", "max_wal_size", "4GB", "max_replication_slots", "20"))) {
            String source = pg.createDatabase("src");
            Rows.execute(
                    source,
                    "CREATE TABLE public.bench_orders (id bigint PRIMARY KEY, item text NOT NULL,"
                            + " qty integer NOT NULL, price numeric(12,2) NOT NULL, note text,"
                            + " updated_at timestamptz NOT NULL DEFAULT now())");
            Rows.execute(
                    source,
                    "INSERT INTO public.bench_orders (id, item, qty, price, note) SELECT g, 'item-' || g,"
                            + " g % 17, round((g * 1.37)::numeric, 2), 'note ' || md5(g::text)"
                            + " FROM generate_series(1, " + rows + ") g");
            Rows.execute(source, "VACUUM ANALYZE public.bench_orders");
            for (int round = 1; round <= rounds; round++) {
                List<String> order = new ArrayList<>(systems);
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (String system : order) {
                    String tag = system.replace("-", "") + "_r" + round;
                    try (PipelineRuntime runtime = system.equals(KAFKA_CONNECT)
                            ? KafkaConnectPipeline.start(dir.resolve(tag), connectPlugins, "768m", "1g")
                            : VertebraPipeline.start(dir.resolve(tag), nodePlugins, "1536m", jfr)) {
                        runs.add(runPipeline(
                                runtime, system, round, tag, pg, source, rows, rate, txRows, seconds, warmup));
                    }
                    Path recording = dir.resolve(tag).resolve("vertebra.jfr");
                    if (Files.exists(recording)) { // written on the node's exit; the work directory goes below
                        Path kept = ProjectLayout.root().resolve("bench/target/cdc-" + tag + ".jfr");
                        Files.copy(recording, kept, StandardCopyOption.REPLACE_EXISTING);
                        System.out.println("JFR recording of the Vertebra node: " + kept);
                    }
                }
            }
        } finally {
            deleteRecursively(dir);
        }
        report(runs);
    }

    private static Run runPipeline(
            PipelineRuntime runtime,
            String system,
            int round,
            String tag,
            PrivatePostgres pg,
            String source,
            int rows,
            int rate,
            int txRows,
            int seconds,
            int warmup)
            throws Exception {
        String destination = pg.createDatabase("dst_" + tag);
        String sourceName = "cdc_" + tag;
        String sinkName = "sink_" + tag;
        long start = System.nanoTime();
        double cpuStart = cpuSeconds(runtime.pids());
        runtime.deploy(sourceName, sourceConfig(pg, tag));
        runtime.deploy(sinkName, sinkConfig(runtime.sinkClass(), pg, tag));
        String count = "SELECT count(*) FROM public.bench_orders";
        awaitTrue(runtime, List.of(sourceName, sinkName), () -> scalar(destination, count) >= rows);
        double snapshotSeconds = (System.nanoTime() - start) / 1e9;
        double snapshotRate = rows / snapshotSeconds;
        double snapshotPerCpu = rows / (cpuSeconds(runtime.pids()) - cpuStart);
        System.out.printf(
                Locale.ROOT,
                "  %-13s round %d: snapshot of %,d rows in %.1f s = %,.0f rows/s, %,.0f rows per CPU-second%n",
                system,
                round,
                rows,
                snapshotSeconds,
                snapshotRate,
                snapshotPerCpu);

        long firstNewId = 10_000_000L * round + (system.equals(VERTEBRA) ? 5_000_000L : 0);
        SteadyChanges.Result lag =
                SteadyChanges.run(source, destination, rows, firstNewId, rate, txRows, seconds, warmup);
        System.out.printf(
                Locale.ROOT,
                "  %-13s round %d: %,.0f changes/s, lag p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n",
                system,
                round,
                lag.changesPerSecond(),
                lag.percentileMs(50),
                lag.percentileMs(99),
                lag.percentileMs(99.9),
                lag.percentileMs(100));

        String state = "SELECT count(*) * 1000000000 + sum(qty) FROM public.bench_orders";
        long expected = scalar(source, state);
        awaitTrue(runtime, List.of(sourceName, sinkName), () -> scalar(destination, state) == expected);
        runtime.remove(sinkName);
        runtime.remove(sourceName);
        // the next pipeline snapshots the same table: take the streamed rows out again
        Rows.execute(source, "DELETE FROM public.bench_orders WHERE id > " + rows);
        return new Run(system, round, snapshotRate, snapshotPerCpu, snapshotSeconds, lag);
    }

    /** Debezium's PostgresConnector, configured the same for both runtimes. */
    static Map<String, String> sourceConfig(PrivatePostgres pg, String tag) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        c.put("tasks.max", "1");
        c.put("database.hostname", "127.0.0.1");
        c.put("database.port", Integer.toString(pg.port()));
        c.put("database.user", pg.user());
        c.put("database.password", "");
        c.put("database.dbname", "src");
        c.put("topic.prefix", tag);
        c.put("table.include.list", "public.bench_orders");
        c.put("plugin.name", "pgoutput");
        c.put("slot.name", tag);
        c.put("slot.drop.on.stop", "true");
        c.put("publication.name", tag);
        c.put("publication.autocreate.mode", "filtered");
        c.put("snapshot.mode", "initial");
        c.put("poll.interval.ms", "20");
        c.put("topic.creation.default.partitions", "1");
        c.put("topic.creation.default.replication.factor", "-1");
        c.putAll(converters());
        return c;
    }

    /** The runtime's JDBC sink: upsert by the record key, deletes on, batches of 2,000. */
    static Map<String, String> sinkConfig(String sinkClass, PrivatePostgres pg, String tag) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("connector.class", sinkClass);
        c.put("tasks.max", "1");
        c.put("topics", tag + ".public.bench_orders");
        c.put("connection.url", "jdbc:postgresql://127.0.0.1:" + pg.port() + "/dst_" + tag);
        c.put("insert.mode", "upsert");
        c.put("delete.enabled", "true");
        c.put("batch.size", "2000");
        c.put("consumer.override.max.poll.records", "2000");
        if (fetchWaitMs >= 0) {
            c.put("consumer.override.fetch.max.wait.ms", Integer.toString(fetchWaitMs));
        }
        if (sinkClass.startsWith("io.debezium")) {
            c.put("connection.username", pg.user());
            c.put("connection.password", "");
            c.put("primary.key.mode", "record_key");
            c.put("schema.evolution", "basic");
            c.put("collection.name.format", "bench_orders");
        } else {
            c.put("connection.user", pg.user());
            c.put("pk.mode", "record_key");
            c.put("auto.create", "true");
            c.put("auto.evolve", "true");
            c.put("table.name.format", "bench_orders");
        }
        c.putAll(converters());
        return c;
    }

    private static Map<String, String> converters() {
        return Map.of(
                "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "key.converter.schemas.enable", "true",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "true");
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** Polls every 20 ms (the measurement's resolution) until the check holds; fails on a FAILED connector. */
    private static void awaitTrue(PipelineRuntime runtime, List<String> connectors, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        long nextStatus = 0;
        while (!holdsQuietly(check)) {
            if (System.nanoTime() > nextStatus) {
                for (String connector : connectors) {
                    String status = runtime.status(connector);
                    if (status.contains("\"FAILED\"")) {
                        throw new IllegalStateException(connector + " failed on " + runtime.name() + ": " + status);
                    }
                }
                nextStatus = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(runtime.name() + ": no result within 20 minutes");
            }
            Thread.sleep(20); // measurement polling pace, not synchronization
        }
    }

    private static boolean holdsQuietly(Check check) throws Exception {
        try {
            return check.holds();
        } catch (IllegalStateException e) {
            return false; // the destination table does not exist yet
        }
    }

    private static long scalar(String url, String sql) {
        Object value = Rows.scalar(url, sql);
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static void report(List<Run> runs) {
        System.out.println();
        System.out.println("| pipeline | round | snapshot rows/s | rows per CPU-s | changes/s | lag p50 ms | p99 ms"
                + " | p99.9 ms | max ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Run r : runs) {
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %d | %,.0f | %,.0f | %,.0f | %.1f | %.1f | %.1f | %.1f |%n",
                    r.system(),
                    r.round(),
                    r.snapshotRowsPerSecond(),
                    r.snapshotRowsPerCpuSecond(),
                    r.lag().changesPerSecond(),
                    r.lag().percentileMs(50),
                    r.lag().percentileMs(99),
                    r.lag().percentileMs(99.9),
                    r.lag().percentileMs(100));
        }
        double kc = median(runs, KAFKA_CONNECT, Run::snapshotRowsPerSecond);
        double vb = median(runs, VERTEBRA, Run::snapshotRowsPerSecond);
        if (!Double.isNaN(kc) && !Double.isNaN(vb)) {
            System.out.printf(
                    Locale.ROOT,
                    "%nsnapshot, median over rounds: Vertebra %,.0f rows/s vs Kafka Connect %,.0f rows/s = %.2fx"
                            + " (goal >= 1.5x); per CPU-second of the pipeline's JVMs %.2fx%n",
                    vb,
                    kc,
                    vb / kc,
                    median(runs, VERTEBRA, Run::snapshotRowsPerCpuSecond)
                            / median(runs, KAFKA_CONNECT, Run::snapshotRowsPerCpuSecond));
        }
        runs.stream()
                .filter(r -> r.system().equals(VERTEBRA))
                .max(Comparator.comparingDouble(r -> r.lag().percentileMs(99)))
                .ifPresent(r -> System.out.printf(
                        Locale.ROOT,
                        "change lag, Vertebra, worst round: p99 %.1f ms at %,.0f changes/s (goal p99 < 100 ms at"
                                + " 10,000/s)%n",
                        r.lag().percentileMs(99),
                        r.lag().changesPerSecond()));
    }

    private static double median(List<Run> runs, String system, java.util.function.ToDoubleFunction<Run> metric) {
        double[] rates = runs.stream()
                .filter(r -> r.system().equals(system))
                .mapToDouble(metric)
                .sorted()
                .toArray();
        return rates.length == 0 ? Double.NaN : rates[rates.length / 2];
    }

    /** User + system CPU time of the processes so far, from {@code /proc/<pid>/stat} (Linux; 100 ticks a second). */
    static double cpuSeconds(long[] pids) {
        double total = 0;
        for (long pid : pids) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
            } catch (IOException | RuntimeException e) {
                return Double.NaN;
            }
        }
        return total;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Path require(Path dir, String build) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " is missing: build it (./mvnw -B -q " + build + " -DskipTests)");
        }
        return dir;
    }

    private static void copy(Path plugin, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> jars = Files.list(plugin)) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, target.resolve(jar.getFileName()));
            }
        }
    }

    private static int option(String[] args, String name, int fallback) {
        String value = text(args, name, null);
        return value == null ? fallback : Integer.parseInt(value.replace("_", ""));
    }

    private static String text(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory
        }
    }
}
