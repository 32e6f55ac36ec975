package io.vertebra.runtime.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.runtime.ConnectRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sequence Terraform-style tools run against a sink connector: stop it, wait for its status to say STOPPED,
 * change its offsets right away — repeated. STOPPED is reported only once its tasks have stopped and their
 * consumers left the group, so the change succeeds (Kafka Connect answers 200 here too); before, the connector
 * said STOPPED while its task was still a group member and PATCH failed with UnknownMemberIdException. The sink's
 * tasks take seconds to stop ({@link SlowStoppingSink}), as a task flushing to a slow system does on a loaded
 * machine, which makes that window wide enough to hit every time.
 */
class StopThenChangeOffsetsIT {
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;

    @Test
    void offsetsChangeRightAfterStatusSaysStopped() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        String topic = Workers.uniqueCluster("stop-offsets");
        String name = "sink-" + topic;
        String group = "connect-" + name;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topic, "line-" + i));
                }
            }
            Path pluginPath = Files.createDirectories(dir.resolve("plugins"));
            SlowStoppingSink.installJar(pluginPath);
            Map<String, String> config = Workers.config(bootstrap, Workers.uniqueCluster("stop"), pluginPath);
            try (ConnectRuntime worker = ConnectRuntime.start(config)) {
                Rest rest = new Rest(worker.restPort());
                String connectorConfig = """
                        {"connector.class": "%s", "tasks.max": "1", "topics": "%s",
                         "key.converter": "org.apache.kafka.connect.storage.StringConverter",
                         "value.converter": "org.apache.kafka.connect.storage.StringConverter"}""".formatted(SlowStoppingSink.class.getName(), topic);
                Rest.Answer created = rest.json("PUT", "/connectors/" + name + "/config", connectorConfig);
                assertEquals(201, created.status(), created.body());
                for (int round = 1; round <= ROUNDS; round++) {
                    if (round > 1) {
                        assertEquals(
                                202,
                                rest.json("PUT", "/connectors/" + name + "/resume", null)
                                        .status());
                    }
                    await().atMost(Duration.ofSeconds(90))
                            .until(() -> running(rest, name) && members(admin, group) > 0);
                    assertEquals(
                            204,
                            rest.json("PUT", "/connectors/" + name + "/stop", null)
                                    .status());
                    await().atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> "STOPPED"
                                    .equals(rest.get("/connectors/" + name + "/status")
                                            .json()
                                            .at("/connector/state")
                                            .asText()));
                    assertEquals(0, members(admin, group), "round " + round + ": STOPPED with the task still a member");
                    Rest.Answer patched =
                            rest.json("PATCH", "/connectors/" + name + "/offsets", """
                            {"offsets": [{"partition": {"kafka_topic": "%s", "kafka_partition": 0},
                                          "offset": {"kafka_offset": %d}}]}""".formatted(topic, round));
                    assertEquals(200, patched.status(), "round " + round + ": " + patched.body());
                    assertTrue(
                            rest.get("/connectors/" + name + "/offsets").body().contains("\"kafka_offset\":" + round),
                            "round " + round);
                    Rest.Answer reset = rest.delete("/connectors/" + name + "/offsets");
                    assertEquals(200, reset.status(), "round " + round + ": " + reset.body());
                }
            }
        }
    }

    /**
     * In a cluster the tasks of a stopped connector may run on other workers and leave the group a little later:
     * an offset change waits for the members to go (the coordinator refuses it meanwhile) instead of failing.
     */
    @Test
    void anOffsetChangeWaitsForMembersStillLeaving() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        String topic = Workers.uniqueCluster("leaving");
        String name = "sink-" + topic;
        Path pluginPath = Files.createDirectories(dir.resolve("plugins"));
        SlowStoppingSink.installJar(pluginPath);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
                ConnectRuntime worker =
                        ConnectRuntime.start(Workers.config(bootstrap, Workers.uniqueCluster("leaving"), pluginPath))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Rest rest = new Rest(worker.restPort());
            Rest.Answer created =
                    rest.json("POST", "/connectors", """
                    {"name": "%s", "initial_state": "STOPPED",
                     "config": {"connector.class": "%s", "topics": "%s"}}""".formatted(name, SlowStoppingSink.class.getName(), topic));
            assertEquals(201, created.status(), created.body());
            // a task of this connector on another worker, not gone yet
            KafkaConsumer<byte[], byte[]> straggler = new KafkaConsumer<>(
                    Map.of("bootstrap.servers", bootstrap, "group.id", "connect-" + name),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            try {
                straggler.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    straggler.poll(Duration.ofMillis(100));
                    return !straggler.assignment().isEmpty();
                });
                CompletableFuture<Rest.Answer> patch = CompletableFuture.supplyAsync(
                        () -> rest.json("PATCH", "/connectors/" + name + "/offsets", """
                        {"offsets": [{"partition": {"kafka_topic": "%s", "kafka_partition": 0},
                                      "offset": {"kafka_offset": 3}}]}""".formatted(topic)));
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> !patch.isDone()); // neither done nor failed while the member is there
                straggler.close();
                Rest.Answer patched = patch.get(60, TimeUnit.SECONDS);
                assertEquals(200, patched.status(), patched.body());
                assertTrue(rest.get("/connectors/" + name + "/offsets").body().contains("\"kafka_offset\":3"));
            } finally {
                straggler.close(Duration.ZERO);
            }
        }
    }

    private static boolean running(Rest rest, String name) {
        var status = rest.get("/connectors/" + name + "/status").json();
        if (status.toString().contains("FAILED")) {
            throw new AssertionError("failed: " + status);
        }
        return "RUNNING".equals(status.at("/connector/state").asText())
                && status.get("tasks").size() == 1
                && "RUNNING".equals(status.at("/tasks/0/state").asText());
    }

    private static int members(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d =
                admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        return d.members().size();
    }
}
