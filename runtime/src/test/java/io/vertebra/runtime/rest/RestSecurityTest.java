package io.vertebra.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.runtime.config.ConfigProviders;
import io.vertebra.runtime.config.WorkerConfig;
import io.vertebra.runtime.health.Readiness;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST listener with HTTP Basic authentication and TLS, from worker settings, against the JDK's HttpClient: a
 * client that trusts the certificate gets in with a user's password and gets a JSON 401 without one; a client that
 * does not trust it, or speaks plain HTTP, fails cleanly. Settings problems name the key, never the secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestSecurityTest {
    private static final String KEYSTORE_SECRET = "ks-Secret-4711";
    private static final String ALICE_SECRET = "alice-Secret-0815";
    private static final String BOB_SECRET = "bob:with-colon";

    @TempDir
    static Path dir;

    private SelfSignedTls tls;
    private PrometheusMeterRegistry registry;
    private RestServer server;
    private String base;

    @BeforeAll
    void start() throws IOException {
        tls = SelfSignedTls.create(dir.resolve("tls"), KEYSTORE_SECRET, "trust-secret");
        Files.writeString(dir.resolve("secrets.properties"), "keystore=" + KEYSTORE_SECRET + "\n");
        Map<String, String> props = new HashMap<>();
        props.put(WorkerConfig.REST_BASIC_AUTH_USERS, "alice:" + ALICE_SECRET + ", bob:" + BOB_SECRET);
        props.put(WorkerConfig.REST_SSL_KEYSTORE_LOCATION, tls.keystore.toString());
        props.put(
                WorkerConfig.REST_SSL_KEYSTORE_PASSWORD, "${file:" + dir.resolve("secrets.properties") + ":keystore}");
        RestSecurity security = security(props);
        assertEquals("https", security.scheme());
        assertFalse(security.toString().contains(ALICE_SECRET), security.toString());
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = RestServer.start(
                new RestServer.Settings(
                        "127.0.0.1",
                        0,
                        1 << 20,
                        security,
                        new CrossSiteGuard("https", List.of(), List.of(), List.of())),
                new RestServer.Backends(
                        () -> null,
                        () -> false,
                        () -> new Readiness.Report(Map.of("log", new Readiness.Check(false, "connecting"))),
                        registry,
                        () -> {},
                        List.of()));
        base = "https://127.0.0.1:" + server.port();
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private static RestSecurity security(Map<String, String> props) {
        Map<String, String> all = new HashMap<>(props);
        // the worker's own placeholders resolve through the providers its config enables, as connectors' do
        all.put("config.providers", "file");
        all.put("config.providers.file.param.allowed.paths", dir.toString());
        WorkerConfig config = new WorkerConfig(all);
        try (ConfigProviders providers =
                ConfigProviders.fromWorkerConfig(config, RestSecurityTest.class.getClassLoader())) {
            return RestSecurity.from(config, providers);
        }
    }

    private HttpResponse<String> get(HttpClient client, String path, String user, String password) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
        if (user != null) {
            String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            request.header("Authorization", "Basic " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpClient trusting() {
        return HttpClient.newBuilder()
                .sslContext(tls.clientContext())
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void usersGetInWithTheirPasswordOverTls() throws Exception {
        HttpClient client = trusting();
        HttpResponse<String> metrics = get(client, "/metrics", "alice", ALICE_SECRET);
        assertEquals(200, metrics.statusCode(), metrics.body());
        assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        HttpResponse<String> connectors = get(client, "/connectors", "bob", BOB_SECRET);
        assertEquals(
                503,
                connectors.statusCode(),
                "past authentication; the worker is still starting: " + connectors.body());
        assertEquals("HTTP_1_1", metrics.version().name());
    }

    @Test
    void missingOrWrongCredentialsGetJson401() throws Exception {
        HttpClient client = trusting();
        for (String[] credentials :
                new String[][] {{null, null}, {"alice", "wrong"}, {"alice", BOB_SECRET}, {"mallory", ALICE_SECRET}}) {
            HttpResponse<String> answer = get(client, "/connectors", credentials[0], credentials[1]);
            assertEquals(401, answer.statusCode(), answer.body());
            assertEquals(
                    "application/json",
                    answer.headers().firstValue("Content-Type").orElse(""));
            JsonNode body = Http.JSON.readTree(answer.body());
            assertEquals(401, body.get("error_code").asInt(), answer.body());
            assertTrue(body.get("message").asText().contains("rest.basic.auth.users"), answer.body());
            assertEquals(
                    "Basic realm=\"vertebra\"",
                    answer.headers().firstValue("WWW-Authenticate").orElse(""),
                    "tells clients to send Basic credentials");
            assertFalse(answer.body().contains(ALICE_SECRET) || answer.body().contains(BOB_SECRET));
        }
        HttpResponse<String> metrics = get(client, "/metrics", null, null);
        assertEquals(401, metrics.statusCode(), "metrics need credentials too");
    }

    @Test
    void probesNeedNoCredentials() throws Exception {
        HttpClient client = trusting();
        HttpResponse<String> health = get(client, "/health", null, null);
        assertEquals(503, health.statusCode(), health.body());
        assertEquals("starting", Http.JSON.readTree(health.body()).get("status").asText());
        HttpResponse<String> ready = get(client, "/ready/", null, null);
        assertEquals(503, ready.statusCode(), ready.body());
        JsonNode body = Http.JSON.readTree(ready.body());
        assertEquals("not_ready", body.get("status").asText());
        assertEquals("connecting", body.at("/checks/log/message").asText(), ready.body());
        assertEquals(401, get(client, "/health/../connectors", null, null).statusCode(), "no way around via dots");
    }

    @Test
    void clientsThatDoNotTrustTheCertificateOrSpeakPlainHttpFailCleanly() {
        HttpClient untrusting =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThrows(SSLHandshakeException.class, () -> get(untrusting, "/health", null, null));

        HttpClient plain =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                .timeout(Duration.ofSeconds(20))
                .build();
        Exception e = assertThrows(IOException.class, () -> plain.send(request, HttpResponse.BodyHandlers.ofString()));
        assertFalse(e instanceof HttpTimeoutException, "the server closes the connection instead of hanging: " + e);
    }

    @Test
    void settingsProblemsNameTheKeyNeverTheSecret() {
        Map<String, String> props = new HashMap<>();
        props.put(WorkerConfig.REST_BASIC_AUTH_USERS, "alice:" + ALICE_SECRET + "," + ALICE_SECRET + ",alice:x,carol:");
        props.put(WorkerConfig.REST_SSL_KEYSTORE_LOCATION, tls.keystore.toString());
        props.put(WorkerConfig.REST_SSL_KEYSTORE_PASSWORD, "not-" + KEYSTORE_SECRET);
        props.put(WorkerConfig.REST_SSL_CLIENT_AUTH, "required");
        ConfigException e = assertThrows(ConfigException.class, () -> security(props));
        String message = e.getMessage();
        assertTrue(message.contains("rest.basic.auth.users: entry 2 is not user:password"), message);
        assertTrue(message.contains("user 'alice' is listed twice"), message);
        assertTrue(message.contains("user 'carol' has an empty password"), message);
        assertTrue(message.contains("rest.ssl.keystore.location: cannot open " + tls.keystore), message);
        assertTrue(message.contains("rest.ssl.client.auth=required needs rest.ssl.truststore.location"), message);
        for (String secret : new String[] {ALICE_SECRET, BOB_SECRET, KEYSTORE_SECRET}) {
            assertFalse(message.contains(secret), message);
        }

        ConfigException unresolved = assertThrows(
                ConfigException.class,
                () -> security(Map.of(WorkerConfig.REST_BASIC_AUTH_USERS, "${file:" + dir.resolve("none") + ":x}")));
        assertTrue(unresolved.getMessage().contains("placeholder could not be resolved"), unresolved.getMessage());
        ConfigException bad = assertThrows(
                ConfigException.class, () -> security(Map.of(WorkerConfig.REST_SSL_CLIENT_AUTH, "always")));
        assertInstanceOf(ConfigException.class, bad);
        assertTrue(bad.getMessage().contains("rest.ssl.client.auth"), bad.getMessage());
        assertEquals("http", security(Map.of()).scheme());
        assertFalse(security(Map.of()).basicAuth());
    }

    @Test
    void aNonLoopbackBindWithoutAuthenticationIsRefusedUnlessAllowed() {
        ConfigException refused =
                assertThrows(ConfigException.class, () -> security(Map.of(WorkerConfig.REST_HOST, "0.0.0.0")));
        String message = refused.getMessage();
        assertTrue(message.contains("0.0.0.0, a non-loopback address, without authentication"), message);
        assertTrue(message.contains("rest.basic.auth.users"), message);
        assertTrue(message.contains("rest.unauthenticated.remote.access=true"), message);

        Map<String, String> allowed =
                Map.of(WorkerConfig.REST_HOST, "0.0.0.0", WorkerConfig.REST_UNAUTHENTICATED_REMOTE_ACCESS, "true");
        RestSecurity open = security(allowed);
        String warning =
                RestSecurity.exposureWarning(new WorkerConfig(allowed), open).orElseThrow();
        assertTrue(warning.contains("rest.unauthenticated.remote.access=true"), warning);

        Map<String, String> withUsers =
                Map.of(WorkerConfig.REST_HOST, "0.0.0.0", WorkerConfig.REST_BASIC_AUTH_USERS, "alice:" + ALICE_SECRET);
        RestSecurity authenticated = security(withUsers);
        assertTrue(RestSecurity.exposureWarning(new WorkerConfig(withUsers), authenticated)
                .isEmpty());
        for (String loopback : new String[] {"127.0.0.1", "localhost", "::1"}) {
            Map<String, String> local = Map.of(WorkerConfig.REST_HOST, loopback);
            assertTrue(RestSecurity.exposureWarning(new WorkerConfig(local), security(local))
                    .isEmpty());
        }
    }

    @Test
    void usersHaveRolesAndUnlistedUsersAreAdmins() {
        RestSecurity security = security(Map.of(
                WorkerConfig.REST_BASIC_AUTH_USERS,
                "alice:" + ALICE_SECRET + ",scrape:" + BOB_SECRET,
                WorkerConfig.REST_BASIC_AUTH_ROLES,
                "scrape:viewer"));
        assertEquals(RestSecurity.Role.VIEWER, security.role("scrape"));
        assertEquals(RestSecurity.Role.ADMIN, security.role("alice"));
        assertTrue(security.toString().contains("(1 viewer(s))"), security.toString());
        for (String method : new String[] {"GET", "HEAD"}) {
            assertTrue(RestSecurity.Role.VIEWER.allows(method));
        }
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE"}) {
            assertFalse(RestSecurity.Role.VIEWER.allows(method), method);
            assertTrue(RestSecurity.Role.ADMIN.allows(method), method);
        }

        ConfigException bad = assertThrows(
                ConfigException.class,
                () -> security(Map.of(
                        WorkerConfig.REST_BASIC_AUTH_USERS,
                        "alice:" + ALICE_SECRET,
                        WorkerConfig.REST_BASIC_AUTH_ROLES,
                        "alice:root,bob:viewer,alice:viewer,alice:admin")));
        String message = bad.getMessage();
        assertTrue(message.contains("entry 'alice:root' is not user:role with a role of viewer or admin"), message);
        assertTrue(message.contains("user 'bob' is not one of rest.basic.auth.users (alice)"), message);
        assertTrue(message.contains("user 'alice' is listed twice"), message);
        assertFalse(message.contains(ALICE_SECRET), message);
    }
}
