package io.vertebra.runtime.rest.entities;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code GET /connectors/{name}/status}; {@code trace} is omitted when empty and {@code version} (the plugin's, as
 * Kafka Connect 4.x reports it) when unknown.
 */
public record ConnectorStateInfo(String name, ConnectorState connector, List<TaskState> tasks, String type) {
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConnectorState(
            String state, @JsonProperty("worker_id") String workerId, String version, String trace) {}

    /** {@code progress} is Vertebra's ({@link TaskProgressInfo}), omitted when the task publishes none here. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskState(
            int id,
            String state,
            @JsonProperty("worker_id") String workerId,
            String version,
            String trace,
            TaskProgressInfo progress) {}
}
