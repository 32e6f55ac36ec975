package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The CLI's client of the REST API. Every answer is parsed as JSON; an error status becomes a {@link CliException}
 * carrying the server's {@code message}, and a server that does not answer one that says how to point at the right
 * one.
 */
public final class RestClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: the status and the parsed body (null when empty). */
    public record Response(int status, JsonNode body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A node that does not accept the connection by then is reported as unreachable (with its address). */
    static final int CONNECT_TIMEOUT_S = 3;

    private final String base;
    private final HttpClient http;

    public RestClient(String url) {
        String u = url.trim();
        this.base = u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
        try {
            URI.create(base + "/").toURL();
        } catch (IllegalArgumentException | java.net.MalformedURLException e) {
            throw new CliException("--url " + url + " is not a URL; give one like http://localhost:8083");
        }
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(CONNECT_TIMEOUT_S))
                .build();
    }

    public String url() {
        return base;
    }

    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public JsonNode get(String path) {
        return expectOk(send("GET", path, null, null), "GET " + path);
    }

    /** Sends the request; an error status is returned, not thrown. */
    public Response send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
        b.header("Accept", "application/json");
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable();
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw unreachable();
            }
            throw new CliException("the Vertebra REST API at " + base + " failed to answer " + method + " " + path
                    + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        JsonNode json = null;
        if (r.body() != null && !r.body().isBlank()) {
            try {
                json = JSON.readTree(r.body());
            } catch (IOException e) {
                throw new CliException(base + " answered " + method + " " + path + " with " + r.statusCode()
                        + " and a body that is not JSON; is --url the Vertebra REST API (port 8083 by default)?");
            }
        }
        return new Response(r.statusCode(), json);
    }

    /** The body of a 2xx answer; otherwise a {@link CliException} with the server's message. */
    public JsonNode expectOk(Response r, String what) {
        if (r.ok()) {
            return r.body();
        }
        throw new CliException(errorMessage(r, what));
    }

    static String errorMessage(Response r, String what) {
        String message = r.body() != null && r.body().hasNonNull("message")
                ? r.body().get("message").asText()
                : "HTTP " + r.status();
        if (r.status() == 503) {
            message += " (the node is starting; try again in a few seconds)";
        }
        return message
                + (message.contains(String.valueOf(r.status())) ? "" : " (HTTP " + r.status() + ", " + what + ")");
    }

    private CliException unreachable() {
        return new CliException(
                "cannot reach the Vertebra REST API at " + base + " (no connection within " + CONNECT_TIMEOUT_S
                        + " s): is the node running? set --url or VERTEBRA_URL",
                CliException.UNREACHABLE);
    }
}
