package io.vertebra.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.runtime.ConnectRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 malformed requests (broken JSON and YAML, wrong types, unknown classes, invalid names, non-UTF-8 bytes,
 * oversized bodies, bad query values, unknown paths and methods) are each answered with a 4xx JSON error that names
 * the problem, and nothing is created. Kafka Connect 4.3 answers many of these with 500.
 */
class MalformedRequestsIT {
    @TempDir
    static Path dir;

    /** One malformed request, built from a seeded random so failures can be replayed. */
    private record Bad(String method, String path, byte[] body, String contentType) {}

    @Test
    void everyMalformedRequestGetsA4xxAndNothingIsCreated() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Function<Random, Bad>> kinds = kinds();
        try (ConnectRuntime worker = ConnectRuntime.start(Workers.config(
                SharedKafka.bootstrapServers(),
                Workers.uniqueCluster("malformed"),
                Workers.pluginPathWithConnectFile(dir)))) {
            Rest rest = new Rest(worker.restPort());
            List<String> failures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                Bad bad = kinds.get(i % kinds.size()).apply(random);
                Rest.Answer a = rest.send(bad.method(), bad.path(), bad.body(), bad.contentType());
                boolean ok = a.status() >= 400
                        && a.status() < 500
                        && a.contentType().startsWith("application/json")
                        && a.body().contains("\"error_code\":" + a.status())
                        && a.body().contains("\"message\"");
                if (!ok) {
                    failures.add("#" + i + " (kind " + (i % kinds.size()) + ") " + bad.method() + " " + bad.path()
                            + " body="
                            + (bad.body() == null
                                    ? ""
                                    : new String(
                                            bad.body(), 0, Math.min(200, bad.body().length), StandardCharsets.UTF_8))
                            + " -> " + a);
                }
            }
            assertTrue(
                    failures.isEmpty(),
                    "seed " + seed + ", " + failures.size() + " bad answers:\n"
                            + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
            assertEquals("[]", rest.get("/connectors").body(), "nothing was created");
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Bad post(String body) {
        return new Bad("POST", "/connectors", utf8(body), "application/json");
    }

    private static String name(Random r) {
        return "c" + r.nextInt(1_000_000);
    }

    private static String valid(String name, String extra) {
        return "{\"name\": \"" + name + "\", \"config\": {\"connector.class\": \"FileStreamSource\", \"topic\": \"t\","
                + " \"file\": \"/tmp/x\"" + extra + "}}";
    }

    private static List<Function<Random, Bad>> kinds() {
        List<Function<Random, Bad>> k = new ArrayList<>();
        k.add(r -> post("{"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": {]}"));
        k.add(r -> post("[1, 2, 3]"));
        k.add(r -> post(Integer.toString(r.nextInt())));
        k.add(r -> post("\"just a string\""));
        k.add(r -> post(""));
        k.add(r -> post("null"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\"}"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": [\"a\"]}"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": \"text\"}"));
        k.add(r -> post("{\"config\": {\"connector.class\": \"FileStreamSource\"}}"));
        k.add(r -> post(valid("", "")));
        k.add(r -> post(valid("bad\\u0001name" + r.nextInt(100), "")));
        k.add(r -> post(valid("a/b" + r.nextInt(100), "")));
        k.add(r -> post("{\"name\": {\"x\": 1}, \"config\": {\"connector.class\": \"FileStreamSource\"}}"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": {\"connector.class\": \"com.example.Nope"
                + r.nextInt(1000) + "\"}}"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": {\"topic\": \"t\"}}"));
        k.add(r -> post(valid(name(r), ", \"tasks.max\": \"abc\"")));
        k.add(r -> post(valid(name(r), ", \"tasks.max\": -" + (1 + r.nextInt(10)))));
        k.add(r -> post(valid(name(r), ", \"transforms\": \"t1\"")));
        k.add(r -> post(valid(name(r), ", \"transforms\": \"t1\", \"transforms.t1.type\": \"com.example.NoSuchSmt\"")));
        k.add(r -> post(valid(
                name(r),
                ", \"transforms\": \"t1\", \"transforms.t1.type\":"
                        + " \"org.apache.kafka.connect.transforms.RegexRouter\"")));
        k.add(
                r -> post(
                        valid(
                                name(r),
                                ", \"transforms\": \"t1\", \"transforms.t1.type\":"
                                        + " \"org.apache.kafka.connect.transforms.Filter\", \"transforms.t1.predicate\": \"missing\"")));
        k.add(r -> post(valid(name(r), ", \"key.converter\": \"com.example.NoConverter\"")));
        k.add(r -> post(valid(name(r), ", \"errors.tolerance\": \"maybe\"")));
        k.add(r -> post(valid(name(r), ", \"nested\": [{\"a\": 1}]")));
        k.add(r -> post(valid(name(r), ", \"nullvalue\": null")));
        k.add(r -> post(
                "{\"name\": \"" + name(r) + "\", \"initial_state\": \"SLEEPING\", \"config\": {\"connector.class\":"
                        + " \"FileStreamSource\", \"topic\": \"t\"}}"));
        k.add(r -> post(valid(name(r), "").replace("}}", "}, \"surprise\": 1}")));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": {\"connector.class\": \"FileStreamSink\","
                + " \"topics\": \"a\", \"topics.regex\": \"b.*\"}}"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": {\"connector.class\": \"FileStreamSink\"}}"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": {\"connector.class\": \"FileStreamSink\","
                + " \"topics.regex\": \"([\"}}"));
        k.add(r -> post("{\"name\": \"" + name(r) + "\", \"config\": {\"connector.class\": \"FileStreamSink\","
                + " \"topics\": \"a,dlq\", \"errors.deadletterqueue.topic.name\": \"dlq\"}}"));
        k.add(r -> post("[".repeat(2000) + "]".repeat(2000)));
        k.add(r -> {
            byte[] body = utf8(valid(name(r), ""));
            body[12] = (byte) 0xC3; // a lone lead byte: not UTF-8
            body[13] = (byte) 0x28;
            return new Bad("POST", "/connectors", body, "application/json");
        });
        k.add(r -> new Bad("POST", "/connectors", new byte[] {(byte) 0xFF, (byte) 0xFE, 0x7B, 0x7D}, null));
        k.add(r -> new Bad("POST", "/connectors", utf8("name: x\nconfig: [unclosed"), "application/yaml"));
        k.add(r -> new Bad("POST", "/connectors", utf8("- a\n- b\n"), "text/yaml"));
        k.add(r -> new Bad(
                "POST",
                "/connectors",
                utf8("a: &a [\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                        + "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                        + "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"),
                "application/yaml"));
        k.add(r -> new Bad(
                "POST",
                "/connectors",
                utf8("name: " + name(r) + "\nconfig:\n  connector.class: FileStreamSource\n" + "  tasks.max: many\n"),
                "application/yaml"));
        k.add(r -> {
            byte[] big = new byte[5 * 1024 * 1024];
            java.util.Arrays.fill(big, (byte) 'a');
            return new Bad("POST", "/connectors", big, "application/json");
        });
        k.add(r -> new Bad(
                "PUT",
                "/connectors/" + name(r) + "/config",
                utf8("{\"name\": \"other\"," + " \"connector.class\": \"FileStreamSource\"}"),
                "application/json"));
        k.add(r -> new Bad(
                "PUT", "/connectors/" + name(r) + "/config", utf8("{\"connector.class\": 5}"), "application/json"));
        k.add(r -> new Bad("PUT", "/connectors/" + name(r) + "/config", utf8("not json at all {"), "application/json"));
        k.add(r -> new Bad(
                "PUT",
                "/connectors/%FF%FE" + r.nextInt(100) + "/config",
                utf8("{\"connector.class\": \"FileStreamSource\", \"topic\": \"t\"}"),
                "application/json"));
        k.add(r ->
                new Bad("PATCH", "/connectors/" + name(r) + "/config", utf8("{\"topic\": \"t\"}"), "application/json"));
        k.add(r -> new Bad("GET", "/connectors/" + name(r), null, null));
        k.add(r -> new Bad("GET", "/connectors/" + name(r) + "/status", null, null));
        k.add(r -> new Bad("GET", "/connectors/" + name(r) + "/tasks/abc/status", null, null));
        k.add(r -> new Bad("DELETE", "/connectors/" + name(r), null, null));
        k.add(r -> new Bad("PUT", "/connectors/" + name(r) + "/pause", null, null));
        k.add(r -> new Bad("POST", "/connectors/" + name(r) + "/restart?includeTasks=maybe", null, null));
        k.add(r -> new Bad(
                "PATCH", "/connectors/" + name(r) + "/offsets", utf8("{\"offsets\": \"x\"}"), "application/json"));
        k.add(r -> new Bad(
                "PUT",
                "/connector-plugins/FileStreamSourceConnector/config/validate",
                utf8("{\"topic\": \"t\"}"),
                "application/json"));
        k.add(r -> new Bad(
                "PUT",
                "/connector-plugins/FileStreamSinkConnector/config/validate",
                utf8("{\"connector.class\": \"FileStreamSource\"}"),
                "application/json"));
        k.add(r -> new Bad("GET", "/connector-plugins/com.example.Missing" + r.nextInt(100) + "/config", null, null));
        k.add(r -> new Bad("PUT", "/admin/loggers/x", utf8("{\"level\": 5}"), "application/json"));
        k.add(r -> new Bad("GET", "/no/such/path/" + r.nextInt(1000), null, null));
        k.add(r -> new Bad("DELETE", "/connector-plugins", null, null));
        k.add(r -> new Bad("POST", "/connectors/" + name(r) + "/tasks/-1/restart", null, null));
        return k;
    }
}
