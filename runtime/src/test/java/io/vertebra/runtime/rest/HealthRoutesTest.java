package io.vertebra.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.runtime.health.HealthContributor;
import io.vertebra.runtime.health.Readiness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /health} and {@code /ready} on a real REST server with a health contributor standing in for the node's
 * embedded log: offline partitions make {@code /health} 200 {@code degraded} with each partition and why, and are
 * listed on {@code /ready} without making it fail; once they are back, {@code /health} says {@code healthy} again.
 */
class HealthRoutesTest {
    private final Map<String, String> offline = new ConcurrentHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private PrometheusMeterRegistry registry;
    private RestServer server;
    private HttpClient client;

    @BeforeEach
    void start() {
        HealthContributor partitions = new HealthContributor() {
            @Override
            public String name() {
                return "partitions";
            }

            @Override
            public Health check() {
                return offline.isEmpty()
                        ? new Health(false, "every partition log is online", Map.of())
                        : new Health(true, offline.size() + " partition log(s) offline", Map.copyOf(offline));
            }
        };
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = RestServer.start(
                new RestServer.Settings(
                        "127.0.0.1",
                        0,
                        1 << 20,
                        RestSecurity.none(),
                        new CrossSiteGuard("http", List.of(), List.of(), List.of())),
                new RestServer.Backends(
                        () -> null,
                        started::get,
                        () -> new Readiness.Report(Map.of("group", new Readiness.Check(true, "joined"))),
                        registry,
                        () -> {},
                        List.of(partitions)));
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void offlinePartitionsDegradeHealthButNotReadiness() throws Exception {
        HttpResponse<String> starting = get("/health");
        assertEquals(503, starting.statusCode(), starting.body());
        assertEquals(
                "starting", Http.JSON.readTree(starting.body()).get("status").asText());

        started.set(true);
        HttpResponse<String> healthy = get("/health");
        assertEquals(200, healthy.statusCode(), healthy.body());
        JsonNode body = Http.JSON.readTree(healthy.body());
        assertEquals("healthy", body.get("status").asText(), healthy.body());
        assertEquals("ok", body.at("/checks/partitions/status").asText(), healthy.body());

        offline.put("orders-3", "corrupt batch at offset 17; segments quarantined in /data/log/orders-3/quarantine/1");
        HttpResponse<String> degraded = get("/health");
        assertEquals(200, degraded.statusCode(), "a liveness probe must not restart the node: " + degraded.body());
        body = Http.JSON.readTree(degraded.body());
        assertEquals("degraded", body.get("status").asText(), degraded.body());
        assertTrue(body.get("message").asText().contains("partitions: 1 partition log(s) offline"), degraded.body());
        assertEquals("degraded", body.at("/checks/partitions/status").asText(), degraded.body());
        assertTrue(
                body.at("/checks/partitions/details/orders-3").asText().contains("corrupt batch at offset 17"),
                degraded.body());

        HttpResponse<String> ready = get("/ready");
        assertEquals(200, ready.statusCode(), "the node still serves its other partitions: " + ready.body());
        JsonNode readyBody = Http.JSON.readTree(ready.body());
        assertEquals("ready", readyBody.get("status").asText(), ready.body());
        assertTrue(readyBody.at("/checks/partitions/ready").asBoolean(), ready.body());
        assertTrue(readyBody.at("/checks/partitions/details/orders-3").isTextual(), ready.body());

        offline.clear();
        HttpResponse<String> back = get("/health");
        body = Http.JSON.readTree(back.body());
        assertEquals("healthy", body.get("status").asText(), back.body());
        assertFalse(body.at("/checks/partitions/details").has("orders-3"), back.body());
    }
}
