package io.vertebra.node;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The REST port while the Connect runtime is not wired in: answers {@code GET /} and {@code GET /health} only.
 * Replaced by the runtime's REST server.
 */
final class StatusHttpServer implements AutoCloseable {
    private final HttpServer server;

    private StatusHttpServer(HttpServer server) {
        this.server = server;
    }

    static StatusHttpServer start(String host, int port, int nodeId) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                reply(
                        exchange,
                        405,
                        "{\"error_code\":405,\"message\":\"HTTP method " + exchange.getRequestMethod()
                                + " is not supported on " + path + "\"}");
            } else if (path.equals("/")) {
                reply(exchange, 200, "{\"version\":\"" + Version.current() + "\",\"node_id\":" + nodeId + "}");
            } else if (path.equals("/health") || path.equals("/health/")) {
                reply(exchange, 200, "{\"status\":\"healthy\",\"message\":\"Node is running\"}");
            } else {
                reply(exchange, 404, "{\"error_code\":404,\"message\":\"Unknown path " + path + "\"}");
            }
        });
        server.start();
        return new StatusHttpServer(server);
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
