package io.vertebra.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.runtime.ConnectRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a web page open in the browser of someone who can reach the REST API cannot do: send a body that is not
 * JSON or YAML (a form, {@code text/plain}), call from another origin (writes and reads), or reach it under a
 * rebound DNS name; and what REST roles allow: a viewer reads, an admin writes. Tools that send no {@code Origin}
 * (curl, Terraform, kcctl) and the API's own origin keep working. Each refusal changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossSiteRequestsIT {
    private static final String UI = "https://ui.example";
    private static final String EVIL = "https://evil.example";
    private static final String VIEWER = "scrape:scrape-Pw-1";
    private static final String ADMIN = "admin:admin-Pw-2";

    @TempDir
    static Path dir;

    private ConnectRuntime open;
    private ConnectRuntime secured;
    private Rest rest;
    private Rest securedRest;

    @BeforeAll
    void start() {
        Path plugins = Workers.pluginPathWithConnectFile(dir);
        Map<String, String> config =
                new HashMap<>(Workers.config(SharedKafka.bootstrapServers(), Workers.uniqueCluster("xsite"), plugins));
        config.put("rest.allowed.origins", UI);
        open = ConnectRuntime.start(config);
        rest = new Rest(open.restPort());
        Map<String, String> withUsers =
                new HashMap<>(Workers.config(SharedKafka.bootstrapServers(), Workers.uniqueCluster("roles"), plugins));
        withUsers.put("rest.basic.auth.users", VIEWER + "," + ADMIN);
        withUsers.put("rest.basic.auth.roles", "scrape:viewer");
        secured = ConnectRuntime.start(withUsers);
        securedRest = new Rest(secured.restPort());
    }

    @AfterAll
    void stop() {
        for (ConnectRuntime worker : new ConnectRuntime[] {open, secured}) {
            if (worker != null) {
                worker.close();
            }
        }
    }

    private static String connector(String name) throws IOException {
        Path file = dir.resolve(name + ".txt");
        Files.writeString(file, "a\n");
        return """
                {"name": "%1$s", "config": {"connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
                 "tasks.max": "1", "file": "%2$s", "topic": "%1$s-topic"}}""".formatted(name, file);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertError(Rest.Answer a, int status, String... inMessage) {
        assertEquals(status, a.status(), a.body());
        assertTrue(a.contentType().startsWith("application/json"), a.contentType());
        assertEquals(status, a.json().get("error_code").asInt(), a.body());
        String message = a.json().get("message").asText();
        for (String part : inMessage) {
            assertTrue(message.contains(part), "'" + part + "' not in: " + message);
        }
    }

    @Test
    void aTextPlainOrFormBodyIs415AndCreatesNothing() throws IOException {
        assertError(
                rest.send("POST", "/connectors", utf8(connector("plain")), "text/plain"),
                415,
                "text/plain",
                "application/json");
        assertError(
                rest.send("POST", "/connectors", utf8(connector("form")), "application/x-www-form-urlencoded"),
                415,
                "application/x-www-form-urlencoded");
        assertError(rest.send("POST", "/connectors", utf8(connector("none")), null), 415, "without Content-Type");
        assertError(
                rest.send("PUT", "/connectors/plain/config", utf8("{\"connector.class\": \"x\"}"), "text/plain"), 415);
        assertEquals(404, rest.get("/connectors/plain").status());
        assertEquals(404, rest.get("/connectors/form").status());
        assertEquals(404, rest.get("/connectors/none").status());

        Rest.Answer json = rest.send("POST", "/connectors", utf8(connector("json")), "application/json; charset=utf-8");
        assertEquals(201, json.status(), json.body());
        Rest.Answer yaml = rest.yaml(
                "PUT",
                "/connectors/json/config",
                "connector.class: org.apache.kafka.connect.file.FileStreamSourceConnector\nfile: /x\ntopic: json-topic\n");
        assertEquals(200, yaml.status(), yaml.body());
        Rest.Answer restart = rest.send("POST", "/connectors/json/restart", null, null);
        assertTrue(restart.status() < 400 || restart.status() == 409, "no body needs no Content-Type: " + restart);
    }

    @Test
    void aForeignOriginCannotWriteOrReadAndChangesNothing() throws IOException {
        assertEquals(201, rest.json("POST", "/connectors", connector("kept")).status());
        String keptConfig = rest.get("/connectors/kept/config").body();
        String[] evil = {"Origin", EVIL};

        assertError(
                rest.send("POST", "/connectors", utf8(connector("evil")), "application/json", evil),
                403,
                EVIL,
                "rest.allowed.origins");
        assertError(rest.send("POST", "/connectors", utf8(connector("evil")), "text/plain", evil), 403, EVIL);
        assertError(
                rest.send(
                        "PUT",
                        "/connectors/kept/config",
                        utf8("{\"connector.class\": \"FileStreamSource\", \"file\": \"/etc/passwd\"}"),
                        "application/json",
                        evil),
                403);
        assertError(rest.send("DELETE", "/connectors/kept", null, null, evil), 403);
        assertError(rest.send("POST", "/connectors/kept/restart", null, null, evil), 403);
        assertError(rest.send("GET", "/connectors/kept/config", null, null, evil), 403, EVIL);
        assertError(rest.send("GET", "/connectors", null, null, "Origin", "null"), 403);

        assertEquals(404, rest.get("/connectors/evil").status(), "nothing created");
        assertEquals(keptConfig, rest.get("/connectors/kept/config").body(), "nothing changed");
        assertEquals(200, rest.get("/connectors/kept").status(), "nothing deleted");
    }

    @Test
    void theApisOwnOriginAndAllowedOriginsWork() throws IOException {
        String self = "http://127.0.0.1:" + open.restPort();
        Rest.Answer same =
                rest.send("POST", "/connectors", utf8(connector("same")), "application/json", "Origin", self);
        assertEquals(201, same.status(), same.body());
        assertNull(same.allowOrigin(), "no CORS headers for the API's own pages");
        Rest.Answer ui = rest.send("GET", "/connectors/same/config", null, null, "Origin", UI);
        assertEquals(200, ui.status(), ui.body());
        assertEquals(UI, ui.allowOrigin());
        Rest.Answer preflight = rest.send(
                "OPTIONS",
                "/connectors",
                null,
                null,
                "Origin",
                UI,
                "Access-Control-Request-Method",
                "POST",
                "Access-Control-Request-Headers",
                "content-type");
        assertEquals(204, preflight.status(), preflight.body());
        assertEquals(UI, preflight.allowOrigin());
        assertEquals(200, rest.get("/connectors").status(), "no Origin: tools keep working");
    }

    @Test
    void aRequestToAnotherHostNameIsRefused() throws IOException {
        String rebound = rawGet(open.restPort(), "/connectors", "rebound.evil.example:" + open.restPort());
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        assertTrue(rebound.contains("rebound.evil.example") && rebound.contains("rest.allowed.hosts"), rebound);
        for (String host :
                new String[] {"localhost:" + open.restPort(), "127.0.0.1:" + open.restPort(), "ui.example"}) {
            String answer = rawGet(open.restPort(), "/connectors", host);
            assertTrue(answer.startsWith("HTTP/1.1 200"), host + ": " + answer);
        }
    }

    @Test
    void aViewerReadsAndAnAdminWrites() throws IOException {
        String[] viewer = auth(VIEWER);
        String[] admin = auth(ADMIN);
        assertEquals(
                200, securedRest.send("GET", "/connectors", null, null, viewer).status());
        assertEquals(
                200, securedRest.send("GET", "/metrics", null, null, viewer).status());
        assertEquals(200, securedRest.send("GET", "/health", null, null, viewer).status());
        assertEquals(200, securedRest.send("GET", "/ready", null, null, viewer).status());

        Rest.Answer created =
                securedRest.send("POST", "/connectors", utf8(connector("byadmin")), "application/json", admin);
        assertEquals(201, created.status(), created.body());
        String config = securedRest
                .send("GET", "/connectors/byadmin/config", null, null, viewer)
                .body();

        assertError(
                securedRest.send("POST", "/connectors", utf8(connector("byviewer")), "application/json", viewer),
                403,
                "'scrape'",
                "viewer");
        assertError(
                securedRest.send(
                        "PUT",
                        "/connectors/byadmin/config",
                        utf8("{\"connector.class\": \"FileStreamSource\", \"file\": \"/x\"}"),
                        "application/json",
                        viewer),
                403,
                "'scrape'");
        assertError(
                securedRest.send(
                        "PATCH",
                        "/connectors/byadmin/config",
                        utf8("{\"tasks.max\": \"2\"}"),
                        "application/json",
                        viewer),
                403);
        assertError(securedRest.send("DELETE", "/connectors/byadmin", null, null, viewer), 403);
        assertError(securedRest.send("POST", "/connectors/byadmin/restart", null, null, viewer), 403);
        assertError(
                securedRest.send(
                        "PUT",
                        "/admin/loggers/org.apache.kafka",
                        utf8("{\"level\":\"DEBUG\"}"),
                        "application/json",
                        viewer),
                403);

        assertEquals(
                404,
                securedRest
                        .send("GET", "/connectors/byviewer", null, null, admin)
                        .status());
        assertEquals(
                config,
                securedRest
                        .send("GET", "/connectors/byadmin/config", null, null, admin)
                        .body());
        Rest.Answer patched = securedRest.send(
                "PATCH", "/connectors/byadmin/config", utf8("{\"tasks.max\": \"2\"}"), "application/json", admin);
        assertEquals(200, patched.status(), patched.body());
        assertEquals(
                204,
                securedRest
                        .send("DELETE", "/connectors/byadmin", null, null, admin)
                        .status());
    }

    private static String[] auth(String userPassword) {
        return new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString(utf8(userPassword))};
    }

    /** A GET with a Host header of our choosing (the JDK's HttpClient sets Host itself). */
    private static String rawGet(int port, String path, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(utf8("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
