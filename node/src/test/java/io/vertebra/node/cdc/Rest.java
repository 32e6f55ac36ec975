package io.vertebra.node.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A Kafka Connect REST API (Vertebra's or Apache Kafka Connect's) seen from a test. Thread-safe. */
public final class Rest {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String authorization;

    public Rest(String base) {
        this(base, null);
    }

    /** A client that sends HTTP Basic credentials ({@code user:password}) with every request. */
    public Rest(String base, String userAndPassword) {
        this.base = base;
        this.authorization = userAndPassword == null
                ? null
                : "Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString(userAndPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A response: status code and body. */
    public record Answer(int status, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** The status code of a GET, or -1 while nothing answers. */
    public int status(String path) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create(base + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Creates or updates a connector ({@code PUT /connectors/NAME/config}); fails unless answered 200 or 201. */
    public void putConnector(String name, Map<String, String> config) {
        Answer answer;
        try {
            answer = put("/connectors/" + name + "/config", JSON.writeValueAsString(config));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        if (answer.status() != 200 && answer.status() != 201) {
            throw new AssertionError("PUT connector " + name + " answered " + answer.status() + ": " + answer.body());
        }
    }

    public Answer put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer patch(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    public Answer post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Answer delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** The state of a connector's task ({@code RUNNING}, {@code FAILED} ...), or "" while there is none. */
    public String taskState(String connector, int task) {
        Answer answer = get("/connectors/" + connector + "/status");
        return answer.status() == 200
                ? answer.json().at("/tasks/" + task + "/state").asText("")
                : "";
    }

    private Answer send(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response =
                    HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
