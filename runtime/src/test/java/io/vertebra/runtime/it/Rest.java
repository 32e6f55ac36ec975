package io.vertebra.runtime.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for the REST API under test: every answer is kept as status + raw body + parsed JSON. */
final class Rest {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    record Answer(int status, String body, String contentType, String location, String allowOrigin) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    Rest(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    Answer get(String path) {
        return send("GET", path, null, null);
    }

    Answer delete(String path) {
        return send("DELETE", path, null, null);
    }

    Answer json(String method, String path, String body) {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    Answer yaml(String method, String path, String body) {
        return send(method, path, body.getBytes(StandardCharsets.UTF_8), "application/yaml");
    }

    /** {@code headers}: more request headers, as name, value, name, value. */
    Answer send(String method, String path, byte[] body, String contentType, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.header("Accept", "application/json");
        b.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    r.statusCode(),
                    r.body(),
                    r.headers().firstValue("Content-Type").orElse(""),
                    r.headers().firstValue("Location").orElse(null),
                    r.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
