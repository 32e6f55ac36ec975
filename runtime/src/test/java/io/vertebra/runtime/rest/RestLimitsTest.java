package io.vertebra.runtime.rest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertebra.runtime.health.Readiness;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The REST listener's connection cap and idle timeout, with raw sockets on loopback so that each connection is one
 * the test opened: over the cap a connection is closed at once and counted while the open ones keep being answered;
 * a connection that sends nothing is closed after the idle timeout.
 */
class RestLimitsTest {
    private static RestServer start(PrometheusMeterRegistry registry, RestServer.Limits limits) {
        return RestServer.start(
                new RestServer.Settings(
                        "127.0.0.1",
                        0,
                        1 << 20,
                        RestSecurity.none(),
                        new CrossSiteGuard("http", List.of(), List.of(), List.of())),
                new RestServer.Backends(
                        () -> null,
                        () -> true,
                        () -> new Readiness.Report(Map.of("log", new Readiness.Check(true, "ok"))),
                        registry,
                        () -> {}),
                limits);
    }

    @Test
    void aConnectionOverTheCapIsClosedAndCountedWhileTheOpenOnesKeepWorking() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RestServer server = start(registry, new RestServer.Limits(2, 60_000));
        try (Connection a = new Connection(server.port());
                Connection b = new Connection(server.port())) {
            assertEquals("HTTP/1.1 200 OK", a.get("/health"));
            assertEquals("HTTP/1.1 200 OK", b.get("/health"));
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 2);
            try (Connection c = new Connection(server.port())) {
                assertTrue(c.closedByServer(), "the third connection is closed");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.refusedConnections() == 1);
            assertEquals(
                    1.0,
                    registry.get("vertebra.connect.rest.connections.refused")
                            .counter()
                            .count());
            assertEquals("HTTP/1.1 200 OK", a.get("/health"), "an open connection still works");
            assertEquals("HTTP/1.1 200 OK", b.get("/ready"));
        } finally {
            // the two are closed: their slots are free again
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
            try (Connection d = new Connection(server.port())) {
                assertEquals("HTTP/1.1 200 OK", d.get("/health"));
            }
            server.close();
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheTimeout() throws Exception {
        RestServer server =
                start(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new RestServer.Limits(10, 500));
        try (Connection idle = new Connection(server.port())) {
            assertEquals("HTTP/1.1 200 OK", idle.get("/health"));
            long startNs = System.nanoTime();
            idle.socket.setSoTimeout(20_000);
            assertEquals(-1, idle.socket.getInputStream().read(), "closed by the server, not by our read timeout");
            long waitedMs = (System.nanoTime() - startNs) / 1_000_000;
            assertTrue(waitedMs >= 300 && waitedMs < 10_000, "closed after " + waitedMs + " ms");
            await().atMost(Duration.ofSeconds(10)).until(() -> server.openConnections() == 0);
        } finally {
            server.close();
        }
    }

    /** One HTTP/1.1 keep-alive connection. */
    private static final class Connection implements AutoCloseable {
        final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
        }

        /** Sends a GET and reads the whole answer; returns its status line. */
        String get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = in.readLine();
            int length = 0;
            for (String header; (header = in.readLine()) != null && !header.isEmpty(); ) {
                if (header.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
            }
            for (int i = 0; i < length; i++) {
                in.read();
            }
            return status;
        }

        /** True when the server closes the connection instead of answering a request. */
        boolean closedByServer() throws IOException {
            try {
                out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                return in.readLine() == null;
            } catch (SocketException e) {
                return true; // reset: closed before the request arrived
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
