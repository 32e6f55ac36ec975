package io.vertebra.runtime.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * Connector and task statuses. Each worker writes the statuses of what it runs; every worker reads all of them so
 * any worker can answer {@code GET /connectors/{name}/status}. Thread-safe.
 */
public interface StatusStore extends AutoCloseable {
    void start();

    void putConnector(String connector, Status status);

    void putTask(TaskId task, Status status);

    Optional<Status> connector(String connector);

    /** The statuses of the connector's tasks, by task number. */
    Map<Integer, Status> tasks(String connector);

    /** Forgets the connector's status and its tasks' (the connector was deleted). */
    void remove(String connector);

    /** Forgets one task's status (the connector now has fewer tasks). */
    void removeTask(TaskId task);

    /** Notes that the connector uses {@code topic} (topic tracking); cheap when already known. */
    void recordTopic(String connector, String topic);

    /** The topics the connector used since its topics were last reset. */
    java.util.Set<String> topics(String connector);

    void resetTopics(String connector);

    @Override
    void close();
}
