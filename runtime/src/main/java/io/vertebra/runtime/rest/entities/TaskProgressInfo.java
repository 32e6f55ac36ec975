package io.vertebra.runtime.rest.entities;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Vertebra's addition to a task of {@code GET /connectors/{name}/status}: the {@code progress} of its long work, only
 * on tasks that publish some and run on the worker answering (Kafka Connect's fields are unchanged; clients that read
 * the status as Kafka Connect's ignore the extra field). {@code items}: pieces of work in a unit (the file source:
 * bytes of each open file); {@code snapshot}: a Debezium connector's snapshot.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskProgressInfo(List<Item> items, Snapshot snapshot) {
    public record Item(String name, String unit, long done, long total, long remaining) {}

    /** Debezium publishes no row total, so there is none. */
    public record Snapshot(
            String state,
            @JsonProperty("tables_done") long tablesDone,
            @JsonProperty("tables_total") long tablesTotal,
            @JsonProperty("rows_done") long rowsDone,
            @JsonProperty("rows_done_by_table") Map<String, Long> rowsDoneByTable,
            @JsonProperty("duration_seconds") long durationSeconds) {}
}
