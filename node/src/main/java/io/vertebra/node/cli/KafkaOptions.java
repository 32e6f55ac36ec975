package io.vertebra.node.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap-server}: where the Kafka protocol listener is; a picocli mixin shared by every command that
 * talks Kafka (topics, produce, consume, partitions). Also the clients' settings and the user-facing errors when
 * the cluster does not answer.
 */
public final class KafkaOptions {
    static final int TIMEOUT_S = 30;
    /** How long the first contact may take: a node that does not answer by then is reported as unreachable. */
    static final int REACH_TIMEOUT_MS = 3_000;

    @Option(
            names = "--bootstrap-server",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:VERTEBRA_BOOTSTRAP:-localhost:9092}",
            description = "Any node of the cluster (env VERTEBRA_BOOTSTRAP, default localhost:9092).")
    String bootstrap;

    public String bootstrap() {
        return bootstrap;
    }

    /** Settings for any client: the bootstrap servers and timeouts short enough for a command line. */
    public Map<String, Object> clientConfig() {
        quietClientLogs();
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("default.api.timeout.ms", TIMEOUT_S * 1000);
        config.put("request.timeout.ms", 15_000);
        config.put("socket.connection.setup.timeout.ms", REACH_TIMEOUT_MS);
        config.put("socket.connection.setup.timeout.max.ms", REACH_TIMEOUT_MS);
        config.put("reconnect.backoff.max.ms", 1_000);
        return config;
    }

    /** An Admin client of a cluster that answered within {@link #REACH_TIMEOUT_MS}; else {@link #unreachable}. */
    public Admin admin() {
        requireConnection();
        Admin admin = Admin.create(clientConfig());
        try {
            requireAnswer(admin);
            return admin;
        } catch (RuntimeException e) {
            admin.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Fails fast ({@link #REACH_TIMEOUT_MS}) with {@link #unreachable} when no bootstrap server answers. Producers and
     * consumers would otherwise retry silently for as long as their own timeouts (a consumer: forever).
     */
    public void requireReachable() {
        requireConnection();
        try (Admin admin = Admin.create(clientConfig())) {
            requireAnswer(admin);
        }
    }

    private void requireAnswer(Admin admin) {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(REACH_TIMEOUT_MS))
                    .clusterId()
                    .get(REACH_TIMEOUT_MS + 1_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while contacting Kafka at " + bootstrap);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(" (no answer within " + REACH_TIMEOUT_MS / 1000 + " s)");
        }
    }

    /** The future's value, or a {@link CliException} that says what failed and, when Kafka is silent, where to look. */
    public <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while trying to " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable();
            }
            String hint = cause instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException
                    ? " (vertebra topics list shows the topics there are)"
                    : "";
            throw new CliException("cannot " + what + ": " + cause.getMessage() + hint);
        } catch (TimeoutException e) {
            throw unreachable();
        }
    }

    /**
     * A plain TCP connect to each bootstrap address until one accepts: a refused connection is final at once, where
     * the Kafka clients would retry it until their timeout.
     */
    private void requireConnection() {
        List<String> failures = new ArrayList<>();
        for (String address : bootstrap.split(",")) {
            String a = address.trim();
            int colon = a.lastIndexOf(':');
            if (colon < 0) {
                return; // not host:port; let the client say what is wrong with it
            }
            try (Socket socket = new Socket()) {
                socket.connect(
                        new InetSocketAddress(a.substring(0, colon), Integer.parseInt(a.substring(colon + 1))),
                        REACH_TIMEOUT_MS);
                return;
            } catch (IOException | IllegalArgumentException e) {
                failures.add(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }
        throw unreachable(" (" + String.join("; ", failures) + ")");
    }

    CliException unreachable() {
        return unreachable("");
    }

    private CliException unreachable(String detail) {
        return new CliException(
                "cannot reach Kafka at " + bootstrap + detail + ": is the node running? set --bootstrap-server or"
                        + " VERTEBRA_BOOTSTRAP",
                CliException.UNREACHABLE);
    }

    /** The clients log every failed connection attempt at WARN; on a command line the one error we print is enough. */
    static void quietClientLogs() {
        Configurator.setLevel("org.apache.kafka", Level.ERROR);
    }
}
