package io.vertebra.bench.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The three Kafka Connect REST calls the benchmark makes, against any worker. Thread-safe. */
final class ConnectRestClient {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;

    ConnectRestClient(String base) {
        this.base = base;
    }

    void put(String connector, Map<String, String> config) {
        String body;
        try {
            body = JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(base + "/connectors/" + connector + "/config"))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(
                    base + " refused " + connector + ": " + response.statusCode() + " " + response.body());
        }
    }

    void delete(String connector) {
        send(HttpRequest.newBuilder(URI.create(base + "/connectors/" + connector))
                .DELETE());
    }

    String status(String connector) {
        try {
            HttpResponse<String> r =
                    send(HttpRequest.newBuilder(URI.create(base + "/connectors/" + connector + "/status"))
                            .GET());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (UncheckedIOException e) {
            return "";
        }
    }

    /** Whether the worker answers {@code GET /connectors} with 200. */
    boolean ready() {
        try {
            return send(HttpRequest.newBuilder(URI.create(base + "/connectors")).GET())
                            .statusCode()
                    == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
