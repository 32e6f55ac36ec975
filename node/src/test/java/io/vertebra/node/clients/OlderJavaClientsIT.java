package io.vertebra.node.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertebra.testkit.ChildProcess;
import io.vertebra.testkit.ProjectLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Older Java clients (kafka-clients 2.1 ... 3.9, each in its own JVM with only its own jars, see
 * {@link OldClientDriver}) against one Vertebra node, against a three-node cluster (RF=3, min.insync.replicas=2),
 * and through a SIGKILL of a partition leader while an old idempotent acks=all producer writes. The jars are copied
 * by the node module's build ({@code pre-integration-test}, into {@code node/target/old-clients/<version>/}); if
 * they are missing the test fails. The single node and the cluster are each shared by all versions (the cluster
 * boots while the single-node tests run); the killed node is restarted and the ISR awaited back to 3 before the
 * next version. Client and node logs, and the API versions each client chose, are kept in
 * {@code node/target/old-clients-logs/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OlderJavaClientsIT {
    static final List<String> VERSIONS = List.of("2.1.1", "2.8.2", "3.0.2", "3.5.2", "3.9.1");

    /** The nodes' settings, single and cluster: no worker (the default) and groups that form at once. */
    static final Map<String, String> SETTINGS = Map.of("group.initial.rebalance.delay.ms", "0");

    @TempDir
    static Path dir;

    Path driverClasses;
    Path tmp;
    Path logs;
    CompatibilityCluster single;
    Map<String, ChildProcess> singleDrivers;
    Map<String, ChildProcess> clusterDrivers;
    CompletableFuture<CompatibilityCluster> clusterStarting;
    CompatibilityCluster cluster;
    final Map<String, String> apiVersions = new LinkedHashMap<>();

    static Stream<String> versions() {
        return VERSIONS.stream();
    }

    @BeforeAll
    void setUp() throws IOException {
        // the old clients first: without them every test fails at once (never skipped)
        for (String version : VERSIONS) {
            oldClientJars(version);
        }
        // the driver's classes only, so the child's class path holds no kafka-clients 4.x nor anything else
        Path compiled = Path.of(OldClientDriver.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath())
                .resolve("io/vertebra/node/clients");
        driverClasses = dir.resolve("driver");
        tmp = Files.createDirectories(dir.resolve("tmp"));
        Path target = Files.createDirectories(driverClasses.resolve("io/vertebra/node/clients"));
        try (Stream<Path> files = Files.list(compiled)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("OldClientDriver"))
                    .toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        logs = NodeLogs.emptyDirectory(ProjectLayout.root().resolve("node/target/old-clients-logs"));

        // the three nodes boot while the single-node tests run (their start is the longest part of this test)
        clusterStarting = CompletableFuture.supplyAsync(
                () -> CompatibilityCluster.start(dir.resolve("cluster"), 3, "384m", SETTINGS));
    }

    @AfterAll
    void stopAll() throws IOException {
        closeSingleNode();
        if (clusterStarting != null) {
            try {
                clusterStarting.get(3, TimeUnit.MINUTES).close();
            } catch (Exception e) {
                // it failed to start: the cluster test reported that
            }
        }
        if (logs == null) {
            return; // set-up failed before anything ran
        }
        // keep the node logs next to the drivers' logs for diagnosis
        new NodeLogs(dir).keepIn(logs);
        StringBuilder summary = new StringBuilder("client scenario: API(key) version used (broker range)\n");
        apiVersions.forEach((k, v) -> summary.append(k).append(": ").append(v).append('\n'));
        Files.writeString(logs.resolve("api-versions.txt"), summary.toString());
        System.out.println("API versions recorded by the older clients:\n" + summary);
    }

    // --- the single node -------------------------------------------------------------------------------------

    /**
     * The five versions' drivers run at once (each in its own JVM, on its own topics and groups), which keeps the
     * runtime down on a small machine; each test then awaits and checks its own version's results.
     */
    @Order(1)
    @ParameterizedTest(name = "kafka-clients {0} against one node")
    @MethodSource("versions")
    void singleNode(String version) throws Exception {
        if (singleDrivers == null) {
            single = CompatibilityCluster.start(dir.resolve("single"), 1, "384m", SETTINGS);
            singleDrivers = startOps("single", single.bootstrap(), (short) 1);
        }
        assertOps(version, "single", singleDrivers.get(version), (short) 1);
    }

    // --- the three-node cluster --------------------------------------------------------------------------------

    @Order(2)
    @ParameterizedTest(name = "kafka-clients {0} against three nodes, RF=3")
    @MethodSource("versions")
    void cluster(String version) throws Exception {
        if (clusterDrivers == null) {
            closeSingleNode();
            cluster = clusterStarting.get(3, TimeUnit.MINUTES);
            clusterDrivers = startOps("cluster", cluster.bootstrap(), (short) 3);
        }
        // the same operations as on one node, with every topic on all three nodes (min.insync.replicas=2)
        assertOps(version, "cluster", clusterDrivers.get(version), (short) 3);
    }

    @Order(3)
    @ParameterizedTest(name = "kafka-clients {0}: idempotent producer through a leader SIGKILL")
    @MethodSource("versions")
    void clusterLeaderKill(String version) throws Exception {
        assertTrue(cluster != null, "the cluster tests ran first");
        // the node killed for the previous version is back and unfenced (RF=3 topics can be created)
        cluster.awaitLiveBrokers();
        String topic = "failover-" + prefix(version);
        Path stopFile = dir.resolve("stop-" + prefix(version));
        ChildProcess driver =
                driver(version, "cluster-failover", "failover", cluster.bootstrap(), topic, stopFile.toString());
        try {
            int before = awaitAcked(driver, 1000);
            int killed = cluster.leaderOf(topic, 0);
            cluster.kill(killed);
            int atKill = lastAcked(driver);
            awaitAcked(driver, atKill + 1000);
            assertNotEquals(killed, cluster.leaderOf(topic, 0), "a new leader of " + topic);
            Files.writeString(stopFile, "stop");
            System.out.printf(
                    "%s: %d acknowledged before the leader (node %d) was killed, %d when it had exited%n",
                    version, before, killed, atKill);
            // the killed node comes back while the driver reads everything back
            cluster.restart(killed);
            assertEquals(0, driver.awaitExit(Duration.ofSeconds(120)), driver.output());
        } finally {
            driver.close();
        }
        Map<String, String> r = results(version, "cluster-failover", driver);
        assertEquals(version, r.get("client.version"), "the child ran the expected client");
        assertNoErrors(r);
        assertEquals("3", r.get("failover.replicas"));
        assertEquals("0 first: none", r.get("failover.sendErrors"), "no send failed");
        int acked = Integer.parseInt(r.get("failover.acked"));
        assertTrue(acked >= 2000, "acknowledged " + acked);
        assertEquals("0", r.get("failover.duplicates"), "no record twice");
        assertEquals("0", r.get("failover.outOfOrder"), "in order");
        assertEquals("0", r.get("failover.ackedNotReadBackAtItsOffset"), "every ack read back at its offset");
        assertEquals(r.get("failover.end"), r.get("failover.read"), "read up to the end");
        assertEquals(Integer.toString(acked), r.get("failover.read"), "exactly the acknowledged records");

        // the broker kept the old producer's idempotence state: a producer id whose last sequence is that of the
        // last record it wrote (sequences count per producer id and epoch from 0)
        TopicPartition tp = new TopicPartition(topic, 0);
        List<ProducerState> producers = cluster.admin()
                .describeProducers(List.of(tp))
                .partitionResult(tp)
                .get()
                .activeProducers();
        System.out.println(version + " producer state on the leader: " + producers);
        assertTrue(
                !producers.isEmpty() && producers.stream().allMatch(ps -> ps.producerId() >= 0), producers.toString());
        assertEquals(
                acked - 1,
                producers.stream().mapToInt(ProducerState::lastSequence).max().orElse(-1),
                "last sequence of the idempotent producer: " + producers);

        cluster.awaitFullIsr(topic);
        new NodeLogs(dir).assertNoProtocolTrouble();
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    static String prefix(String version) {
        return "v" + version.replace(".", "");
    }

    /** Starts the operations driver of every version at once against {@code bootstrap}. */
    Map<String, ChildProcess> startOps(String scenario, String bootstrap, short rf) {
        Map<String, ChildProcess> drivers = new LinkedHashMap<>();
        for (String version : VERSIONS) {
            drivers.put(
                    version,
                    driver(version, scenario, "ops", bootstrap, prefix(version) + "-" + scenario, Short.toString(rf)));
        }
        return drivers;
    }

    void closeSingleNode() {
        if (single != null) {
            single.close();
            single = null;
        }
    }

    /**
     * Waits for {@code version}'s operations driver to finish, then checks what it reported and that no node logged
     * protocol trouble.
     */
    void assertOps(String version, String scenario, ChildProcess driver, short rf) throws IOException {
        try {
            assertEquals(0, driver.awaitExit(Duration.ofSeconds(150)), driver.output());
        } finally {
            driver.close();
        }
        Map<String, String> r = results(version, scenario, driver);
        assertEquals(version, r.get("client.version"), "the child ran the expected client");
        assertNoErrors(r);
        assertEquals("true", r.get("done"), r.toString());
        // admin
        assertEquals("3", r.get("admin.describe.partitions"), "partitions described");
        assertEquals("[" + rf + "]", r.get("admin.describe.replicas"), "replication factor described");
        assertEquals("3", r.get("admin.describe.withLeader"), "every partition has a leader");
        assertEquals("7654321", r.get("admin.config.retention.ms"), "topic config as created");
        assertEquals(Integer.toString(Math.min(2, rf)), r.get("admin.config.min.insync.replicas"));
        assertEquals("true", r.get("admin.listed"));
        assertEquals("UnknownTopicOrPartitionException", r.get("admin.describeAfterDelete"), "deleted");
        assertEquals("false", r.get("admin.listedAfterDelete"), "deleted");
        // every codec, idempotent, read back exactly (offset, key, value, timestamp)
        for (String codec : OldClientDriver.CODECS) {
            assertEquals("0", r.get("codec." + codec + ".ackedOffsetMismatches"), codec + ": acks at offsets 0..n-1");
            assertEquals(Integer.toString(OldClientDriver.CODEC_RECORDS), r.get("codec." + codec + ".read"), codec);
            assertEquals("0", r.get("codec." + codec + ".mismatches"), codec + ": read back exactly");
        }
        // group: 100 records over 2 partitions (even keys to 0), commitSync, committed offsets, resume from a rewind
        assertEquals("100", r.get("group.consumed"));
        assertEquals("0", r.get("group.duplicates"));
        assertEquals("2", r.get("group.assignment"));
        assertEquals("50", r.get("group.committed.p0"), "committed offset of partition 0");
        assertEquals("50", r.get("group.committed.p1"), "committed offset of partition 1");
        assertEquals("7/rewound", r.get("group.rewound.p0"), "explicit commit with metadata");
        assertEquals("43", r.get("group.resumed.count"), "a new member resumes at the committed offsets");
        assertEquals("0:7:g14", r.get("group.resumed.first"));
        assertEquals("0:49:g98", r.get("group.resumed.last"));
        // list offsets: 10 records at t0, t0+1s, ... t0+9s
        assertEquals("0", r.get("time.beginning"));
        assertEquals("10", r.get("time.end"));
        assertEquals("0@0", r.get("time.before"), "before the first timestamp: the first record");
        assertEquals("0@0", r.get("time.first"));
        assertEquals("4@4000", r.get("time.between"), "the first record at or after t0+3.5s");
        assertEquals("9@9000", r.get("time.last"));
        assertEquals("null", r.get("time.after"), "no record at or after a later time");
        new NodeLogs(dir).assertNoProtocolTrouble();
    }

    static void assertNoErrors(Map<String, String> r) {
        List<String> errors = r.entrySet().stream()
                .filter(e -> e.getKey().endsWith(".error"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList();
        assertTrue(errors.isEmpty(), "operations failed: " + errors + "\nall results: " + r);
    }

    /** Starts the driver for {@code version} in a JVM whose class path is the driver and that version's jars. */
    ChildProcess driver(String version, String scenario, String... args) {
        Path jars = oldClientJars(version);
        List<String> classPath = new ArrayList<>();
        classPath.add(driverClasses.toString());
        try (Stream<Path> files = Files.list(jars)) {
            files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> classPath.add(f.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ChildProcess.startJava(
                "kafka-clients-" + version + "-" + scenario,
                String.join(java.io.File.pathSeparator, classPath),
                List.of(
                        "-Xmx128m",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        // the codecs' native libraries are unpacked here, away from the node logs the test reads
                        "-Djava.io.tmpdir=" + tmp,
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                        "-Dorg.slf4j.simpleLogger.showDateTime=true",
                        "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                        // the API versions each broker offered and the client chose ("Recorded API versions")
                        "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient=debug"),
                OldClientDriver.class.getName(),
                List.of(args),
                dir,
                logs.resolve(version + "-" + scenario + ".log"));
    }

    /** The directory of {@code version}'s jars; fails the test if the build did not put them there. */
    static Path oldClientJars(String version) {
        Path jars = ProjectLayout.root().resolve("node/target/old-clients/" + version);
        for (String jar : List.of("kafka-clients-" + version + ".jar", "zstd-jni", "lz4-java", "snappy-java")) {
            boolean present;
            try (Stream<Path> files = Files.isDirectory(jars) ? Files.list(jars) : Stream.empty()) {
                present = files.anyMatch(f -> f.getFileName().toString().startsWith(jar));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!present) {
                fail(jar + " of kafka-clients " + version + " is missing from " + jars
                        + ": the node module's build copies them in pre-integration-test (./mvnw verify -pl node)");
            }
        }
        return jars;
    }

    Map<String, String> results(String version, String scenario, ChildProcess driver) {
        Map<String, String> results = new LinkedHashMap<>();
        for (String line : driver.lines()) {
            if (line.startsWith("RESULT ")) {
                int eq = line.indexOf('=');
                results.put(line.substring("RESULT ".length(), eq), line.substring(eq + 1));
            } else if ((line.contains("Recorded API versions") || line.contains("API versions: ("))
                    && !apiVersions.containsKey(version + " " + scenario)) {
                apiVersions.put(version + " " + scenario, usedApiVersions(line));
            }
        }
        System.out.println(version + " " + scenario + ": " + results);
        return results;
    }

    /** "Produce(0): 3 to 13 [usable: 7], ..." as "Produce(0) v7 (3-13), ...": the versions the client uses. */
    static String usedApiVersions(String line) {
        Matcher m = Pattern.compile("(\\w+)\\((\\d+)\\): (\\d+)(?: to (\\d+))? \\[usable: (\\d+)\\]")
                .matcher(line);
        List<String> used = new ArrayList<>();
        while (m.find()) {
            used.add(m.group(1) + "(" + m.group(2) + ") v" + m.group(5) + " (" + m.group(3)
                    + (m.group(4) == null ? "" : "-" + m.group(4)) + ")");
        }
        return String.join(", ", used);
    }

    static int lastAcked(ChildProcess driver) {
        List<String> lines = driver.lines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("ACKED ")) {
                return Integer.parseInt(
                        lines.get(i).substring("ACKED ".length()).trim());
            }
        }
        return 0;
    }

    static int awaitAcked(ChildProcess driver, int count) {
        driver.awaitLine(
                line -> line.startsWith("ACKED ")
                        && Integer.parseInt(line.substring("ACKED ".length()).trim()) >= count,
                Duration.ofSeconds(90));
        return lastAcked(driver);
    }
}
