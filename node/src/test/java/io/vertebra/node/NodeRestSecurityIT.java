package io.vertebra.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.testkit.Ports;
import io.vertebra.testkit.SelfSignedTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * REST security from a node config file: HTTPS with the node's key store and HTTP Basic users, both passwords
 * kept out of the config file with {@code ${file:...}} placeholders. Checked with the JDK's HttpClient as a user's
 * tool would connect: trusting the certificate with and without credentials, not trusting it, and plain HTTP. The
 * secrets appear in no response and no line of the node's output.
 */
class NodeRestSecurityIT {
    private static final String ADMIN_PASSWORD = "admin-Pw-31337";
    private static final String KEYSTORE_PASSWORD = "keystore-Pw-2718";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void httpsWithBasicAuthFromTheNodeConfig() throws Exception {
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"), KEYSTORE_PASSWORD, "trust-pw");
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "admin=" + ADMIN_PASSWORD + "\nkeystore=" + KEYSTORE_PASSWORD + "\n");
        Path config = dir.resolve("node.yaml");
        Files.writeString(config, """
                config.providers: file
                config.providers.file.param.allowed.paths: %3$s
                rest:
                  basic.auth.users: "admin:${file:%1$s:admin}"
                  ssl:
                    keystore.location: %2$s
                    keystore.password: ${file:%1$s:keystore}
                """.formatted(secrets, tls.keystore, dir));
        int rest = Ports.free();
        try (NodeProcess node =
                NodeProcess.start(dir.resolve("data"), Ports.free(), rest, "--config", config.toString())) {
            String readyLine = node.awaitReady();
            assertTrue(readyLine.contains(" rest=https://127.0.0.1:" + rest), readyLine);
            String base = "https://127.0.0.1:" + rest;
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(tls.clientContext())
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            await("the worker is ready (probes need no credentials)")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> send(trusting, base + "/ready", null).statusCode() == 200);

            HttpResponse<String> anonymous = send(trusting, base + "/connectors", null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());
            JsonNode error = JSON.readTree(anonymous.body());
            assertEquals(401, error.get("error_code").asInt(), anonymous.body());
            assertTrue(error.get("message").asText().startsWith("Authentication required"), anonymous.body());
            assertEquals(
                    401,
                    send(trusting, base + "/connectors", "admin:" + KEYSTORE_PASSWORD)
                            .statusCode());

            HttpResponse<String> connectors = send(trusting, base + "/connectors", "admin:" + ADMIN_PASSWORD);
            assertEquals(200, connectors.statusCode(), connectors.body());
            assertEquals("[]", connectors.body());
            HttpResponse<String> root = send(trusting, base + "/", "admin:" + ADMIN_PASSWORD);
            assertTrue(root.body().contains("\"version\""), root.body());
            HttpResponse<String> metrics = send(trusting, base + "/metrics", "admin:" + ADMIN_PASSWORD);
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("vertebra_connect_connectors{state=\"RUNNING\"}"), metrics.body());
            assertEquals(200, send(trusting, base + "/health", null).statusCode(), "probes need no credentials");

            HttpClient untrusting = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            assertThrows(SSLHandshakeException.class, () -> send(untrusting, base + "/health", null));
            IOException plain = assertThrows(
                    IOException.class, () -> send(untrusting, "http://127.0.0.1:" + rest + "/health", null));
            assertFalse(plain instanceof HttpTimeoutException, "refused at once, not left hanging: " + plain);

            for (HttpResponse<String> answer : new HttpResponse[] {anonymous, connectors, root, metrics}) {
                assertFalse(
                        answer.body().contains(ADMIN_PASSWORD) || answer.body().contains(KEYSTORE_PASSWORD));
            }
            assertEquals(0, node.process.terminate(Duration.ofSeconds(30)));
            String output = node.process.output();
            assertTrue(output.contains("REST security: basic auth for 1 user(s), TLS"), output);
            assertFalse(output.contains(ADMIN_PASSWORD), "the admin password is in the node's output");
            assertFalse(output.contains(KEYSTORE_PASSWORD), "the key store password is in the node's output");
        }
    }

    @Test
    void aNodeListeningOnEveryInterfaceWithoutAuthenticationStartsOnlyWhenAllowed() throws Exception {
        Path refusedConfig = dir.resolve("refused.yaml");
        Files.writeString(refusedConfig, "bind.host: 0.0.0.0\n");
        try (NodeProcess node = NodeProcess.start(
                dir.resolve("refused"), Ports.free(), Ports.free(), "--config", refusedConfig.toString())) {
            int exit = node.process.awaitExit(Duration.ofSeconds(90));
            String output = node.process.output();
            assertTrue(exit != 0, "exit " + exit + ": " + output);
            assertTrue(
                    output.contains("The REST API would listen on 0.0.0.0, a non-loopback address, without"
                            + " authentication"),
                    output);
            assertTrue(output.contains("rest.unauthenticated.remote.access=true"), output);
            assertFalse(output.contains("vertebra ready"), output);
        }

        Path allowedConfig = dir.resolve("allowed.yaml");
        Files.writeString(allowedConfig, "bind.host: 0.0.0.0\nrest.unauthenticated.remote.access: true\n");
        try (NodeProcess node = NodeProcess.start(
                dir.resolve("allowed"), Ports.free(), Ports.free(), "--config", allowedConfig.toString())) {
            node.awaitReady();
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            await("the worker is ready")
                    .atMost(Duration.ofSeconds(90))
                    .until(() -> send(client, "http://127.0.0.1:" + node.restPort + "/ready", null)
                                    .statusCode()
                            == 200);
            assertEquals(
                    200,
                    send(client, "http://127.0.0.1:" + node.restPort + "/connectors", null)
                            .statusCode());
            assertEquals(0, node.process.terminate(Duration.ofSeconds(30)));
            assertTrue(
                    node.process.output().contains("(allowed by rest.unauthenticated.remote.access=true)"),
                    node.process.output());
        }
    }

    private static HttpResponse<String> send(HttpClient client, String url, String userPassword)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (userPassword != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
