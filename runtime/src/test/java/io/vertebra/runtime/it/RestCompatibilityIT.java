package io.vertebra.runtime.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertebra.runtime.ConnectRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request sequences real tools send (reference: shared/reference/connect-rest-and-tools.md): the Terraform
 * provider, kcctl, Strimzi and the Kafka UIs, each with the status codes and body shapes it relies on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestCompatibilityIT {
    @TempDir
    static Path dir;

    private ConnectRuntime worker;
    private Rest rest;

    @BeforeAll
    void start() {
        Map<String, String> config = new java.util.HashMap<>(Workers.config(
                SharedKafka.bootstrapServers(), Workers.uniqueCluster("rest"), Workers.pluginPathWithConnectFile(dir)));
        int port = io.vertebra.testkit.Ports.free();
        config.put("rest.port", Integer.toString(port)); // a fixed port, as users run it: bound exactly once
        worker = ConnectRuntime.start(config);
        assertEquals(port, worker.restPort());
        rest = new Rest(worker.restPort());
    }

    @AfterAll
    void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    private String sourceConfig(String name) throws Exception {
        Path file = dir.resolve(name + ".txt");
        Files.writeString(file, "a\nb\nc\n");
        return """
                {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                 "name": "%s", "tasks.max": "1", "file": "%s", "topic": "%s-topic"}""".formatted(name, file, name);
    }

    private void assertError(Rest.Answer a, int status) {
        assertEquals(status, a.status(), a.body());
        JsonNode json = a.json();
        assertEquals(status, json.get("error_code").asInt(), a.body());
        assertTrue(json.get("message").asText().length() > 5, a.body());
        assertTrue(a.contentType().startsWith("application/json"), a.contentType());
    }

    @Test
    void terraformProvider() throws Exception {
        String config = sourceConfig("tf");
        Rest.Answer create = rest.json("POST", "/connectors", "{\"name\": \"tf\", \"config\": " + config + "}");
        assertEquals(201, create.status(), create.body());
        assertEquals("tf", create.json().at("/config/name").asText());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rest.get("/connectors/tf").status() == 200);
        JsonNode info = rest.get("/connectors/tf").json();
        assertEquals("tf", info.get("name").asText());
        assertTrue(info.get("tasks").isArray());
        assertEquals("source", info.get("type").asText());

        // update: flat map including name; the poll compares key count and every value
        String updated = config.replace("\"tasks.max\": \"1\"", "\"tasks.max\": \"1\", \"batch.size\": \"100\"");
        Rest.Answer put = rest.json("PUT", "/connectors/tf/config", updated);
        assertEquals(200, put.status(), put.body());
        Map<?, ?> desired = Rest.JSON.readValue(updated, Map.class);
        Map<?, ?> echoed = Rest.JSON.readValue(rest.get("/connectors/tf/config").body(), Map.class);
        assertEquals(desired, echoed, "GET config echoes exactly what was submitted");

        assertEquals(204, rest.delete("/connectors/tf").status());
        assertError(rest.get("/connectors/tf"), 404);
        assertError(rest.delete("/connectors/tf"), 404);
        // a refresh after an out-of-band delete re-creates through PUT config: it must upsert
        assertEquals(201, rest.json("PUT", "/connectors/tf/config", updated).status());
        assertEquals(204, rest.delete("/connectors/tf").status());
    }

    @Test
    void kcctl() throws Exception {
        JsonNode root = rest.get("/").json();
        String[] version = root.get("version").asText().split("\\.");
        assertTrue(
                Integer.parseInt(version[0]) > 3
                        || (Integer.parseInt(version[0]) == 3 && Integer.parseInt(version[1]) >= 7),
                "version must read as Kafka >= 3.7 for kcctl: " + root);
        assertFalse(root.get("commit").asText().isEmpty());
        assertFalse(root.get("kafka_cluster_id").asText().isEmpty());

        assertEquals(200, rest.get("/connectors/").status());
        // apply: POST /connectors/ with the file verbatim, initial_state passes through
        Rest.Answer created = rest.json(
                "POST",
                "/connectors/",
                "{\"name\": \"kc\", \"initial_state\": \"PAUSED\", \"config\": " + sourceConfig("kc") + "}");
        assertEquals(201, created.status(), created.body());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rest.get("/connectors/kc/status")
                        .json()
                        .at("/connector/state")
                        .asText()
                        .equals("PAUSED"));

        JsonNode expanded = rest.get("/connectors?expand=status").json();
        JsonNode status = expanded.get("kc").get("status");
        assertEquals("kc", status.get("name").asText());
        assertTrue(status.at("/connector/worker_id").isTextual());
        assertEquals("source", status.get("type").asText());

        JsonNode plugins = rest.get("/connector-plugins?connectorsOnly=false").json();
        Set<String> types = new HashSet<>();
        plugins.forEach(p -> {
            types.add(p.get("type").asText());
            assertTrue(p.has("class"));
        });
        assertTrue(
                types.containsAll(
                        Set.of("source", "sink", "converter", "header_converter", "transformation", "predicate")),
                types.toString());
        JsonNode connectorsOnly = rest.get("/connector-plugins").json();
        connectorsOnly.forEach(
                p -> assertTrue(Set.of("source", "sink").contains(p.get("type").asText())));
        assertEquals(
                200,
                rest.get("/connector-plugins/FileStreamSourceConnector/config").status());

        // apply --dry-run: validate by simple class name
        Rest.Answer validate = rest.json(
                "PUT",
                "/connector-plugins/FileStreamSourceConnector/config/validate",
                "{\"connector.class\": \"org.apache.kafka.connect.file.FileStreamSourceConnector\", \"name\": \"dummy-name\","
                        + " \"tasks.max\": \"x\", \"topic\": \"t\"}");
        assertEquals(200, validate.status(), validate.body());
        assertEquals(1, validate.json().get("error_count").asInt(), validate.body());
        JsonNode first = validate.json().get("configs").get(0);
        assertTrue(
                first.at("/definition/name").isTextual()
                        && first.at("/value/errors").isArray(),
                first.toString());

        // describe
        for (String path : new String[] {"", "/status", "/config", "/tasks", "/topics"}) {
            assertEquals(200, rest.get("/connectors/kc" + path).status(), path);
        }
        // patch connector: GET config, PUT the merged map
        Map<String, Object> cfg =
                Rest.JSON.readValue(rest.get("/connectors/kc/config").body(), Map.class);
        cfg.put("batch.size", "7");
        assertEquals(
                200,
                rest.json("PUT", "/connectors/kc/config", Rest.JSON.writeValueAsString(cfg))
                        .status());
        // KIP-477 PATCH: a null removes the key, the rest stays
        Rest.Answer patchedConfig = rest.json("PATCH", "/connectors/kc/config", "{\"batch.size\": null}");
        assertEquals(200, patchedConfig.status(), patchedConfig.body());
        assertFalse(patchedConfig.json().get("config").has("batch.size"), patchedConfig.body());
        assertFalse(rest.get("/connectors/kc/config").json().has("batch.size"));

        assertEquals(202, rest.json("PUT", "/connectors/kc/resume", null).status());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rest.get("/connectors/kc/status")
                        .json()
                        .at("/tasks/0/state")
                        .asText()
                        .equals("RUNNING"));
        Rest.Answer plain = rest.json("POST", "/connectors/kc/restart", null);
        assertEquals(204, plain.status());
        assertTrue(plain.body().isEmpty());
        Rest.Answer extended = rest.json("POST", "/connectors/kc/restart?includeTasks=true&onlyFailed=false", null);
        assertEquals(202, extended.status(), extended.body());
        assertEquals("RESTARTING", extended.json().at("/tasks/0/state").asText());
        assertEquals(
                204, rest.json("POST", "/connectors/kc/tasks/0/restart", null).status());
        assertError(rest.json("POST", "/connectors/kc/tasks/9/restart", null), 404);

        // offsets: only for stopped connectors
        assertEquals(200, rest.get("/connectors/kc/offsets").status());
        assertError(
                rest.json(
                        "PATCH",
                        "/connectors/kc/offsets",
                        "{\"offsets\": [{\"partition\": {\"filename\": \"x\"}, \"offset\": {\"position\": 0}}]}"),
                400);
        assertEquals(204, rest.json("PUT", "/connectors/kc/stop", null).status());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rest.get("/connectors/kc/status")
                        .json()
                        .at("/connector/state")
                        .asText()
                        .equals("STOPPED"));
        assertEquals(0, rest.get("/connectors/kc").json().get("tasks").size(), "a stopped connector has no tasks");
        Rest.Answer patched = rest.json(
                "PATCH",
                "/connectors/kc/offsets",
                "{\"offsets\": [{\"partition\": {\"filename\": \"x\"}, \"offset\": {\"position\": 5}}]}");
        assertEquals(200, patched.status(), patched.body());
        assertEquals(
                "The offsets for this connector have been altered successfully",
                patched.json().get("message").asText());
        assertTrue(rest.get("/connectors/kc/offsets").body().contains("\"position\":5"));
        Rest.Answer reset = rest.delete("/connectors/kc/offsets");
        assertEquals(200, reset.status(), reset.body());
        assertTrue(reset.json().get("message").asText().contains("reset successfully"));

        // loggers
        assertTrue(rest.get("/admin/loggers").json().has("root"));
        assertEquals(200, rest.get("/admin/loggers/").status());
        Rest.Answer worker = rest.json("PUT", "/admin/loggers/org.apache.kafka.connect", "{\"level\": \"DEBUG\"}");
        assertEquals(200, worker.status(), worker.body());
        assertTrue(worker.json().isArray());
        assertEquals(
                204,
                rest.json("PUT", "/admin/loggers/org.apache.kafka.connect?scope=cluster", "{\"level\": \"INFO\"}")
                        .status());
        assertEquals(
                "INFO",
                rest.get("/admin/loggers/org.apache.kafka.connect")
                        .json()
                        .get("level")
                        .asText());
        assertError(rest.json("PUT", "/admin/loggers/x", "{\"level\": \"LOUD\"}"), 404);
        assertError(rest.json("PUT", "/admin/loggers/x", "{}"), 400);

        assertEquals(204, rest.delete("/connectors/kc").status());
        Rest.Answer gone = rest.delete("/connectors/kc");
        assertError(gone, 404);
        assertEquals("Connector kc not found", gone.json().get("message").asText());
    }

    @Test
    void strimziOperator() throws Exception {
        Path file = dir.resolve("strimzi.txt");
        Files.writeString(file, "x\n");
        assertError(rest.get("/connectors/strimzi/config"), 404);
        String body = """
                {"name": "strimzi", "initial_state": "STOPPED", "config": {
                  "connector.class": "FileStreamSource", "tasks.max": 1, "file": "%s", "topic": "s"}}""".formatted(file);
        assertEquals(201, rest.json("POST", "/connectors", body).status());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rest.get("/connectors/strimzi/status")
                        .json()
                        .at("/connector/state")
                        .asText()
                        .equals("STOPPED"));
        // desired config with tasks.max as a JSON number; compared with GET config by Map.equals on strings
        String desired = "{\"connector.class\": \"FileStreamSource\", \"tasks.max\": 1, \"file\": \"" + file
                + "\", \"topic\": \"s2\", \"name\": \"strimzi\"}";
        assertEquals(
                200, rest.json("PUT", "/connectors/strimzi/config", desired).status());
        Map<String, String> echoed =
                Rest.JSON.readValue(rest.get("/connectors/strimzi/config").body(), Map.class);
        assertEquals(
                Map.of(
                        "connector.class",
                        "FileStreamSource",
                        "tasks.max",
                        "1",
                        "file",
                        file.toString(),
                        "topic",
                        "s2",
                        "name",
                        "strimzi"),
                echoed);
        assertEquals(202, rest.json("PUT", "/connectors/strimzi/resume", null).status());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rest.get("/connectors/strimzi/status")
                        .json()
                        .at("/connector/state")
                        .asText()
                        .equals("RUNNING"));
        assertEquals(202, rest.json("PUT", "/connectors/strimzi/pause", null).status());
        assertEquals(202, rest.json("PUT", "/connectors/strimzi/pause", null).status(), "idempotent");
        Rest.Answer restart = rest.json("POST", "/connectors/strimzi/restart?includeTasks=true&onlyFailed=true", null);
        assertEquals(202, restart.status());
        assertEquals(200, rest.get("/connectors/strimzi/topics").status());
        assertEquals(200, rest.get("/connector-plugins").status());
        assertEquals(204, rest.delete("/connectors/strimzi").status());
    }

    @Test
    void kafkaUis() throws Exception {
        assertEquals(
                201,
                rest.json("POST", "/connectors", "{\"name\": \"ui\", \"config\": " + sourceConfig("ui") + "}")
                        .status());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rest.get("/connectors/ui/status")
                        .json()
                        .at("/tasks/0/state")
                        .asText()
                        .equals("RUNNING"));
        JsonNode both = rest.get("/connectors?expand=info&expand=status").json();
        JsonNode ui = both.get("ui");
        assertEquals("ui", ui.at("/info/name").asText());
        assertEquals("RUNNING", ui.at("/status/connector/state").asText());
        assertTrue(ui.at("/info/tasks/0/connector").isTextual());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rest.get("/connectors/ui/topics")
                                .json()
                                .at("/ui/topics")
                                .size()
                        == 1);
        JsonNode task = rest.get("/connectors/ui/tasks/0/status").json();
        assertEquals(0, task.get("id").asInt());
        assertNull(task.get("trace"), "trace is omitted when empty");
        // reset while the connector is stopped: a running task records the topics it uses again right away
        assertEquals(204, rest.json("PUT", "/connectors/ui/stop", null).status());
        // the stop is carried out asynchronously, as in Kafka Connect: reset once the task is gone
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode status = rest.get("/connectors/ui/status").json();
            return status.at("/connector/state").asText().equals("STOPPED")
                    && status.get("tasks").isEmpty();
        });
        assertEquals(202, rest.json("PUT", "/connectors/ui/topics/reset", null).status());
        assertEquals(
                0, rest.get("/connectors/ui/topics").json().at("/ui/topics").size());
        // AKHQ asks every plugin for its definitions through validate
        for (Iterator<JsonNode> it = rest.get("/connector-plugins").json().elements(); it.hasNext(); ) {
            String cls = it.next().get("class").asText();
            Rest.Answer v = rest.json(
                    "PUT",
                    "/connector-plugins/" + cls + "/config/validate",
                    "{\"connector.class\": \"" + cls + "\", \"topics\": \"getPlugins\"}");
            assertEquals(200, v.status(), v.body());
            JsonNode def = v.json().get("configs").get(0).get("definition");
            for (String field : new String[] {
                "name",
                "type",
                "required",
                "default_value",
                "importance",
                "documentation",
                "group",
                "order",
                "width",
                "display_name",
                "dependents"
            }) {
                assertTrue(def.has(field), field + " missing in " + def);
            }
        }
        assertEquals(204, rest.delete("/connectors/ui").status());
    }
}
