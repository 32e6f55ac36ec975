package io.vertebra.log.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.log.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's meters as Prometheus scrapes them, moved by real clients. */
class BrokerMetricsTest {
    @TempDir
    Path dir;

    /** One scrape: series ({@code name{labels}}) → value. */
    record Scrape(Map<String, Double> series) {
        static Scrape of(PrometheusMeterRegistry registry) {
            Map<String, Double> series = new LinkedHashMap<>();
            for (String line : registry.scrape().split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.lastIndexOf(' ');
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
            return new Scrape(series);
        }

        double value(String name) {
            Double v = series.get(name);
            if (v == null) {
                throw new AssertionError(name + " is not in the scrape; broker series: "
                        + series.keySet().stream()
                                .filter(s -> s.startsWith("vertebra_broker"))
                                .toList());
            }
            return v;
        }

        /** Sum over the series whose text matches {@code regex} (name and labels). */
        double sum(String regex) {
            Pattern pattern = Pattern.compile(regex);
            return series.entrySet().stream()
                    .filter(e -> pattern.matcher(e.getKey()).matches())
                    .mapToDouble(Map.Entry::getValue)
                    .sum();
        }

        boolean has(String regex) {
            Pattern pattern = Pattern.compile(regex);
            return series.keySet().stream().anyMatch(s -> pattern.matcher(s).matches());
        }
    }

    @Test
    void metersFollowRealProducersAndConsumers() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TestBroker broker = new TestBroker(dir, Map.of(), registry);
        broker.start();
        try (Admin admin = broker.admin()) {
            admin.createTopics(List.of(new NewTopic("metered", 2, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = broker.producer(Map.of("acks", "all"))) {
                for (int i = 0; i < 100; i++) {
                    producer.send(new ProducerRecord<>("metered", i % 2, "k" + i, "value-" + i));
                }
                producer.flush();
            }
            assertTrue(
                    admin.describeTopics(List.of("missing"))
                                    .allTopicNames()
                                    .toCompletionStage()
                                    .toCompletableFuture()
                                    .handle((r, e) -> e)
                                    .get(30, TimeUnit.SECONDS)
                            != null,
                    "describing a missing topic fails");

            try (KafkaConsumer<String, String> consumer = broker.consumer(Map.of("group.id", "metered-group"))) {
                consumer.subscribe(List.of("metered"));
                int[] received = {0};
                Awaitility.await("the consumer reads every record and is parked waiting for more")
                        .atMost(Duration.ofSeconds(60))
                        .pollInSameThread()
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            received[0] += consumer.poll(Duration.ofMillis(100)).count();
                            Scrape s = Scrape.of(registry);
                            return received[0] == 100
                                    && s.value("vertebra_broker_parked_requests{operation=\"fetch\"}") >= 1
                                    && s.value("vertebra_broker_consumer_groups") == 1
                                    && s.value("vertebra_broker_consumer_group_members") == 1;
                        });
            }

            Scrape s = Scrape.of(registry);
            assertEquals(100, s.value("vertebra_broker_topic_records_in_total{topic=\"metered\"}"));
            assertTrue(s.value("vertebra_broker_topic_in_bytes_total{topic=\"metered\"}") > 100 * 10);
            assertTrue(s.value("vertebra_broker_topic_records_out_total{topic=\"metered\"}") >= 100);
            assertTrue(s.value("vertebra_broker_topic_out_bytes_total{topic=\"metered\"}") > 100 * 10);
            assertTrue(s.value("vertebra_broker_log_size_bytes{topic=\"metered\"}") > 100 * 10);
            assertEquals(2, s.value("vertebra_broker_log_segments{topic=\"metered\"}"));

            assertTrue(s.sum("vertebra_broker_requests_seconds_count\\{api=\"Produce\",version=\"\\d+\"}") >= 1);
            assertTrue(s.sum("vertebra_broker_requests_seconds_count\\{api=\"Fetch\",version=\"\\d+\"}") >= 2);
            assertTrue(s.has("vertebra_broker_requests_seconds_bucket\\{api=\"Fetch\",version=\"\\d+\",le=\"0.5\"}"));
            assertTrue(s.sum("vertebra_broker_requests_seconds_sum\\{api=\"Fetch\".*") > 0);
            assertTrue(
                    s.has("vertebra_broker_request_errors_total\\{api=\"\\w+\",error=\"UNKNOWN_TOPIC_OR_PARTITION\"}"));

            assertEquals(7, s.value("vertebra_broker_partitions"), "2 of 'metered' and 5 of __consumer_offsets");
            assertEquals(7, s.value("vertebra_broker_leader_partitions"));
            assertEquals(0, s.value("vertebra_broker_under_replicated_partitions"));
            assertEquals(0, s.value("vertebra_broker_under_min_isr_partitions"));
            assertEquals(0, s.value("vertebra_broker_offline_partitions"));
            assertEquals(0, s.value("vertebra_broker_isr_shrinks_total"));
            assertEquals(1, s.value("vertebra_broker_active_controller"));
            assertEquals(0, s.value("vertebra_broker_fenced"));
            assertTrue(s.value("vertebra_broker_connections") >= 1);
            assertTrue(s.value("vertebra_broker_metadata_offset") > 0);

            admin.deleteTopics(List.of("metered")).all().get(30, TimeUnit.SECONDS);
            Awaitility.await("the deleted topic's meters go with it")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !Scrape.of(registry).has(".*topic=\"metered\".*"));
        } finally {
            broker.close();
        }
        assertEquals(
                List.of(),
                Scrape.of(registry).series().keySet().stream()
                        .filter(name -> name.startsWith("vertebra_broker"))
                        .toList(),
                "a stopped broker leaves the shared registry clean");
        registry.close();
    }

    @Test
    void recordCountSkipsWhatPrecedesTheFetchOffset() {
        MemoryRecords records = MemoryRecords.withRecords(
                10L,
                Compression.NONE,
                new SimpleRecord("a".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord("b".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord("c".getBytes(StandardCharsets.UTF_8)));
        assertEquals(3, TopicMetrics.recordCount(records, 10));
        assertEquals(1, TopicMetrics.recordCount(records, 12));
        assertEquals(0, TopicMetrics.recordCount(MemoryRecords.EMPTY, 0));
    }
}
