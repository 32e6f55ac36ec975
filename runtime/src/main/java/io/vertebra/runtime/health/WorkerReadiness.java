package io.vertebra.runtime.health;

import io.vertebra.runtime.cluster.Assignment;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

/**
 * A Connect worker's readiness: {@code log} (the Kafka cluster answers a DescribeCluster now, within
 * {@code timeoutMs}), {@code stores} (the config, offset and status topics were read to their end) and {@code group}
 * (the worker received its first assignment from its Connect group). Reads the worker's state through suppliers, so
 * it works while the worker is still starting or restarting. Thread-safe; {@link #check()} blocks at most about
 * {@code timeoutMs}.
 */
public final class WorkerReadiness implements Readiness {
    private final String bootstrap;
    private final String groupId;
    private final Supplier<Admin> admin;
    private final BooleanSupplier storesLoaded;
    private final Supplier<Assignment> assignment;
    private final Supplier<String> startError;
    private final long timeoutMs;

    /**
     * @param admin the worker's admin client, null until the worker started connecting
     * @param assignment the worker's latest assignment, null until the worker runs
     * @param startError why the last attempt to start the worker failed, null if none did
     */
    public WorkerReadiness(
            String bootstrap,
            String groupId,
            Supplier<Admin> admin,
            BooleanSupplier storesLoaded,
            Supplier<Assignment> assignment,
            Supplier<String> startError,
            long timeoutMs) {
        this.bootstrap = bootstrap;
        this.groupId = groupId;
        this.admin = admin;
        this.storesLoaded = storesLoaded;
        this.assignment = assignment;
        this.startError = startError;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Report check() {
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("log", log());
        checks.put(
                "stores",
                storesLoaded.getAsBoolean()
                        ? new Check(true, "config, offset and status topics read")
                        : new Check(false, "the config, offset and status topics are not read yet"));
        Assignment current = assignment.get();
        checks.put(
                "group",
                current != null && current.generation() >= 0
                        ? new Check(
                                true,
                                "joined Connect group " + groupId + " (generation " + current.generation() + ", "
                                        + current.memberUrls().size() + " worker(s))")
                        : new Check(false, "not in Connect group " + groupId + " yet"));
        return new Report(checks);
    }

    private Check log() {
        Admin client = admin.get();
        if (client == null) {
            String error = startError.get();
            return new Check(
                    false,
                    error == null
                            ? "connecting to the Kafka cluster at " + bootstrap
                            : "cannot reach the Kafka cluster at " + bootstrap + " yet: " + error);
        }
        try {
            DescribeClusterResult cluster =
                    client.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs));
            Collection<Node> nodes = cluster.nodes().get(timeoutMs + 500, TimeUnit.MILLISECONDS);
            String id = cluster.clusterId().get(timeoutMs + 500, TimeUnit.MILLISECONDS);
            return new Check(
                    true, "Kafka cluster " + id + " at " + bootstrap + " answers (" + nodes.size() + " broker(s))");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(false, "interrupted while asking the Kafka cluster at " + bootstrap);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return new Check(
                    false,
                    "the Kafka cluster at " + bootstrap + " does not answer within " + timeoutMs + " ms: " + cause);
        }
    }
}
