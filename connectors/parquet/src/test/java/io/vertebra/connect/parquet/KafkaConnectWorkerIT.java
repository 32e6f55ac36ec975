package io.vertebra.connect.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.connect.parquet.store.LakeFileName;
import io.vertebra.testkit.ConnectWorker;
import io.vertebra.testkit.ProjectLayout;
import io.vertebra.testkit.RealKafkaCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.parquet.example.data.Group;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin directory exactly as the build installs it ({@code plugins/vertebra-parquet}), run by the real Apache
 * Kafka Connect 4.3 worker (service-loader discovery only) against a real Kafka broker, configured over REST, and
 * the lake read back with parquet-hadoop's reader and DuckDB. Includes the crash test: the worker JVM is killed
 * with SIGKILL while it writes, restarted, and every record must be in the lake exactly once.
 */
class KafkaConnectWorkerIT {
    private static final Path PLUGIN_DIR = ProjectLayout.root().resolve("plugins/vertebra-parquet");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static RealKafkaCluster kafka;
    /** One worker for all tests (the crash test kills and restarts it): each worker start costs many seconds. */
    private static ConnectWorker worker;

    @BeforeAll
    static void startKafkaAndWorker() throws IOException {
        kafka = RealKafkaCluster.start(work.resolve("kafka"), 1, "512m", Map.of());
        Path pluginPath = ConnectWorker.pluginPath(work.resolve("connect/plugin-path"), PLUGIN_DIR);
        // the record keys are plain strings (the order id); offsets are committed every 2 s
        worker = ConnectWorker.start(
                work.resolve("connect"),
                kafka.bootstrapServers(),
                pluginPath,
                "768m",
                Map.of(
                        "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                        "offset.flush.interval.ms", "2000"));
    }

    @AfterAll
    static void stopWorkerAndKafka() {
        if (worker != null) {
            worker.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void thePluginDirectoryBundlesNoLoggingBindingNoKafkaJarsAndNoUnshadedServers() throws IOException {
        List<String> jars;
        try (Stream<Path> files = Files.list(PLUGIN_DIR)) {
            jars = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("vertebra-connector-parquet-")), jars.toString());
        assertTrue(jars.stream().anyMatch(j -> j.startsWith("hadoop-aws-")), jars.toString());
        List<String> unwanted = jars.stream()
                .filter(j -> j.matches(
                        "(slf4j|log4j|logback|reload4j|jetty|jersey|zookeeper|curator|kafka|connect-)" + ".*"))
                .toList();
        assertEquals(List.of(), unwanted, "the host provides logging and the Connect API; a sink needs no servers");
    }

    @Test
    void twentyThousandRecordsLandExactlyOnceWithEqualValues() throws Exception {
        String topic = "orders";
        createTopic(topic, 2);
        produceOrders(topic, 0, 20_000);
        Path lake = work.resolve("lake-orders");
        JsonNode plugins = getJson("/connector-plugins");
        assertTrue(plugins.toString().contains(ParquetSinkConnector.class.getName()), plugins.toString());

        worker.putConnector("orders-lake", connectorConfig(topic, lake, "1000"));
        // 2 partitions x 10,000 records in files of 1,000; a rebalance that revokes a partition mid-file (Kafka
        // Connect's worker under load) publishes that file early, so more files are possible, never fewer rows
        Awaitility.await("the lake holds all 20,000 records")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> publishedRows(lake) >= 20_000);
        JsonNode status = getJson("/connectors/orders-lake/status");
        assertEquals("RUNNING", status.path("connector").path("state").asText(), status.toString());
        assertEquals(2, status.path("tasks").size(), status.toString());
        for (JsonNode task : status.path("tasks")) {
            assertEquals("RUNNING", task.path("state").asText(), status.toString());
        }

        // an unreachable store: retried with backoff, then the task fails naming the store and the cause
        String unreachable = "hdfs://127.0.0.1:" + io.vertebra.testkit.Ports.free() + "/lake";
        Map<String, String> broken = connectorConfig(topic, lake, "1000");
        broken.put("tasks.max", "1");
        broken.put("store.url", unreachable);
        broken.put("store.retries", "1");
        broken.put("retry.backoff.ms", "200");
        broken.put("ipc.client.connect.max.retries", "0");
        worker.putConnector("unreachable-lake", broken);
        Awaitility.await("the task fails")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> getJson("/connectors/unreachable-lake/status")
                        .path("tasks")
                        .path(0)
                        .path("state")
                        .asText()
                        .equals("FAILED"));
        String trace = getJson("/connectors/unreachable-lake/status")
                .path("tasks")
                .path(0)
                .path("trace")
                .asText();
        assertTrue(trace.contains("cannot write orders-") && trace.contains(unreachable), trace);
        assertTrue(trace.contains("Connection refused"), trace);
        worker.deleteConnector("unreachable-lake");
        // stop the pipeline before reading the lake: a task restarted by the rebalances above (Kafka Connect's
        // worker restarts tasks when a connector is added or removed) rewrites the records after its last
        // committed offset into a temporary file until its next roll; stopping discards that file
        worker.deleteConnector("orders-lake");
        Awaitility.await("the stopped tasks discard their temporary files")
                .atMost(Duration.ofSeconds(60))
                .until(() -> hiddenTempFiles(lake) == 0);

        LakeContents contents = LakeContents.readLocal(lake);
        assertFilesChainOffsets(contents, 10_000);
        assertTrue(
                contents.rowsByFile.size() >= 20, contents.rowsByFile.keySet().toString());
        assertEquals(List.of(), contents.otherFiles);
        assertEquals(
                LongStream.range(0, 20_000).boxed().toList(),
                contents.ids().stream().sorted().toList());
        for (Group row : contents.allRows()) {
            assertOrderEquals(TestRecords.order(row.getLong("id", 0)), row);
        }

        String glob = lake.resolve("topics/orders/*/*.parquet").toString();
        long expectedQuantity =
                LongStream.range(0, 20_000).map(id -> id % 50 + 1).sum();
        assertEquals(
                List.of(List.of("20000", "20000", Long.toString(expectedQuantity))),
                DuckDb.query("SELECT count(*), count(DISTINCT id), sum(quantity) FROM read_parquet('" + glob + "')"));
    }

    @Test
    void sigkillMidWriteThenRestartLeavesEveryRecordExactlyOnce() throws Exception {
        String topic = "crash";
        int records = 40_000;
        createTopic(topic, 2);
        produceOrders(topic, 0, records);
        Path lake = work.resolve("lake-crash");
        worker.putConnector("crash-lake", connectorConfig(topic, lake, "500"));
        Awaitility.await("the sink has published part of the topic")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> committedFiles(lake) >= 8);
        worker.process().kill(); // SIGKILL: no shutdown hook, no close(), no flush
        int filesAtKill = committedFiles(lake);
        long tempFilesAtKill = hiddenTempFiles(lake);
        System.out.printf(
                "SIGKILL with %d published files and %d temporary files in the lake%n", filesAtKill, tempFilesAtKill);
        assertTrue(filesAtKill < records / 500, "killed before the sink finished (" + filesAtKill + " files)");

        worker.restart(); // same worker config: the connector comes back from the config topic
        awaitCommittedFiles(lake, records / 500, Duration.ofSeconds(180));
        // One more file per partition after the restart. Kafka Connect only commits offsets that moved past what
        // the task rewound to, so a partition that was complete in the lake before the kill keeps its old group
        // offset until new records arrive (the lake, not the group, is the truth for this sink).
        produceOrders(topic, records, records + 1_000);
        records += 1_000;
        awaitCommittedFiles(lake, records / 500, Duration.ofSeconds(120));
        // the sink's committed offsets reach the end of both partitions: nothing more can be written
        try {
            awaitGroupOffsets("connect-crash-lake", topic, records / 2);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> lines = worker.process().lines();
            System.out.println("Connect worker output (last 300 lines):");
            lines.subList(Math.max(0, lines.size() - 300), lines.size()).forEach(System.out::println);
            throw e;
        }
        LakeContents contents = LakeContents.readLocal(lake);
        assertEquals(List.of(), contents.otherFiles, "no temporary file is left");
        List<Long> ids = contents.ids().stream().sorted().toList();
        assertEquals(LongStream.range(0, records).boxed().toList(), ids, "every record exactly once");
        String glob = lake.resolve("topics/crash/*/*.parquet").toString();
        assertEquals(
                List.of(List.of(Integer.toString(records), Integer.toString(records))),
                DuckDb.query("SELECT count(*), count(DISTINCT id) FROM read_parquet('" + glob + "')"));
    }

    /** {@code GET} of a REST resource that must answer 200, as a JSON tree. */
    private static JsonNode getJson(String path) throws IOException {
        HttpResponse<String> response = worker.get(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static Map<String, String> connectorConfig(String topic, Path lake, String flushSize) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", ParquetSinkConnector.class.getName());
        config.put("tasks.max", "2");
        config.put("topics", topic);
        config.put("store.url", lake.toUri().toString());
        config.put("flush.size", flushSize);
        return config;
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            io.vertebra.testkit.Topics.create(admin, new NewTopic(topic, partitions, (short) 1));
        }
    }

    /** Orders {@code from..to-1} as JSON with schemas (what JsonConverter writes), id i to partition i % 2. */
    private static void produceOrders(String topic, long from, long toExclusive) throws Exception {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("linger.ms", "20");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (long id = from; id < toExclusive; id++) {
                Struct order = TestRecords.order(id);
                producer.send(new ProducerRecord<>(
                        topic,
                        (int) (id % 2),
                        Long.toString(id),
                        converter.fromConnectData(topic, TestRecords.ORDER, order)));
            }
            producer.flush();
        }
    }

    /** Rows in the published files, or 0 while a file is being renamed under the reader. */
    private static int publishedRows(Path lake) {
        if (!Files.isDirectory(lake)) {
            return 0;
        }
        // published files are renamed into place whole and never change, so their footers can be read while the
        // tasks keep writing (Hadoop's recursive listing fails when a temporary file vanishes under it)
        try (Stream<Path> files = Files.walk(lake)) {
            long rows = 0;
            for (Path file : files.filter(
                            p -> LakeFileName.parse(p.getFileName().toString()).isPresent())
                    .toList()) {
                try (org.apache.parquet.hadoop.ParquetFileReader reader =
                        org.apache.parquet.hadoop.ParquetFileReader.open(
                                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                                        new org.apache.hadoop.fs.Path(file.toUri()),
                                        new org.apache.hadoop.conf.Configuration()))) {
                    rows += reader.getRecordCount();
                }
            }
            return (int) rows;
        } catch (IOException | UncheckedIOException e) {
            return 0; // a temporary file renamed while walking
        }
    }

    /**
     * Each partition's files, in offset order, start where the one before ended (the first at 0) and hold records
     * up to {@code perPartition}: no gap, no overlap, whatever sizes rebalances gave them.
     */
    private static void assertFilesChainOffsets(LakeContents contents, long perPartition) {
        Map<Integer, Long> next = new HashMap<>();
        List<Map.Entry<LakeFileName, Integer>> files = new java.util.ArrayList<>();
        contents.rowsByFile.forEach((relative, rows) -> files.add(Map.entry(
                LakeFileName.parse(Path.of(relative).getFileName().toString())
                        .orElseThrow(() -> new AssertionError("not a lake file name: " + relative)),
                rows.size())));
        files.sort(java.util.Comparator.comparing(
                        (Map.Entry<LakeFileName, Integer> e) -> e.getKey().partition())
                .thenComparing(e -> e.getKey().startOffset()));
        for (Map.Entry<LakeFileName, Integer> file : files) {
            long expected = next.getOrDefault(file.getKey().partition(), 0L);
            assertEquals(expected, file.getKey().startOffset(), "file " + file.getKey() + " in " + files);
            next.put(file.getKey().partition(), expected + file.getValue());
        }
        assertEquals(Map.of(0, perPartition, 1, perPartition), next, files.toString());
    }

    private static int committedFiles(Path lake) {
        if (!Files.isDirectory(lake)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(lake)) {
            return (int) files.filter(
                            p -> LakeFileName.parse(p.getFileName().toString()).isPresent())
                    .count();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a temporary file renamed while walking
        }
    }

    private static long hiddenTempFiles(Path lake) {
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(p ->
                            LakeFileName.parseTemp(p.getFileName().toString()).isPresent())
                    .count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    private static void awaitGroupOffsets(String group, String topic, long offsetPerPartition) throws Exception {
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> expected =
                Map.of(
                        new org.apache.kafka.common.TopicPartition(topic, 0),
                        new org.apache.kafka.clients.consumer.OffsetAndMetadata(offsetPerPartition),
                        new org.apache.kafka.common.TopicPartition(topic, 1),
                        new org.apache.kafka.clients.consumer.OffsetAndMetadata(offsetPerPartition));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Awaitility.await("group " + group + " committed the end of " + topic)
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() ->
                            admin
                                    .listConsumerGroupOffsets(group)
                                    .partitionsToOffsetAndMetadata()
                                    .get()
                                    .entrySet()
                                    .stream()
                                    .collect(java.util.stream.Collectors.toMap(
                                            Map.Entry::getKey,
                                            e -> new org.apache.kafka.clients.consumer.OffsetAndMetadata(
                                                    e.getValue().offset())))
                                    .equals(expected));
        }
    }

    /** Waits until the lake holds at least {@code files} published files (cheap: names only, nothing read). */
    private static void awaitCommittedFiles(Path lake, int files, Duration timeout) {
        Awaitility.await("the lake holds " + files + " published files")
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> committedFiles(lake) >= files);
    }

    private static void assertOrderEquals(Struct expected, Group row) {
        long id = expected.getInt64("id");
        String where = "order " + id;
        assertEquals(expected.getString("customer"), row.getString("customer", 0), where);
        assertEquals(expected.getString("region"), row.getString("region", 0), where);
        assertEquals(expected.getInt32("quantity"), row.getInteger("quantity", 0), where);
        assertEquals(expected.getFloat64("price"), row.getDouble("price", 0), where);
        Float discount = expected.getFloat32("discount");
        assertEquals(discount == null ? 0 : 1, row.getFieldRepetitionCount("discount"), where);
        if (discount != null) {
            assertEquals(discount, row.getFloat("discount", 0), where);
        }
        assertEquals(expected.getBoolean("paid"), row.getBoolean("paid", 0), where);
        assertEquals(((java.util.Date) expected.get("created")).getTime(), row.getLong("created", 0), where);
        String note = expected.getString("note");
        assertEquals(note == null ? 0 : 1, row.getFieldRepetitionCount("note"), where);
        if (note != null) {
            assertEquals(note, row.getString("note", 0), where);
        }
        assertEquals(expected.getInt16("version").intValue(), row.getInteger("version", 0), where);
    }
}
