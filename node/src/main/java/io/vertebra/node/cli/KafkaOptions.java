package io.vertebra.node.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
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
        config.put("socket.connection.setup.timeout.max.ms", 5_000);
        config.put("reconnect.backoff.max.ms", 1_000);
        return config;
    }

    public Admin admin() {
        return Admin.create(clientConfig());
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

    CliException unreachable() {
        return new CliException(
                "cannot reach Kafka at " + bootstrap + ": is the node running? set --bootstrap-server or"
                        + " VERTEBRA_BOOTSTRAP",
                CliException.UNREACHABLE);
    }

    /** The clients log every failed connection attempt at WARN; on a command line the one error we print is enough. */
    static void quietClientLogs() {
        Configurator.setLevel("org.apache.kafka", Level.ERROR);
    }
}
