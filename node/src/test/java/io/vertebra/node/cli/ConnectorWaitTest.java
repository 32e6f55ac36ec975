package io.vertebra.node.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The --wait decision over status answers and a clock given by the test: no node, no sleeping. */
class ConnectorWaitTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static final String TRACE =
            "org.apache.kafka.connect.errors.ConnectException: Tolerance exceeded in error handler\n"
                    + "\tat io.vertebra.runtime.errors.ErrorHandler.fail(ErrorHandler.java:99)\n"
                    + "Caused by: org.apache.kafka.connect.errors.DataException: Converting byte[] to Kafka Connect data"
                    + " failed due to serialization error\n"
                    + "\tat org.apache.kafka.connect.json.JsonConverter.toConnectData(JsonConverter.java:333)\n"
                    + "\t... 12 more\n"
                    + "Caused by: org.apache.kafka.common.errors.SerializationException: com.fasterxml.jackson.core"
                    + ".JsonParseException: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object)\n"
                    + "\t... 14 more\n";

    static JsonNode all(String connectorState, String... taskStates) throws Exception {
        StringBuilder tasks = new StringBuilder();
        for (int i = 0; i < taskStates.length; i++) {
            String[] parts = taskStates[i].split(":", 2);
            tasks.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(i)
                    .append(",\"state\":\"")
                    .append(parts[0])
                    .append("\",\"worker_id\":\"w\"")
                    .append(parts.length > 1 ? ",\"trace\":" + JSON.writeValueAsString(parts[1]) : "")
                    .append('}');
        }
        return JSON.readTree("{\"sink\":{\"status\":{\"name\":\"sink\",\"connector\":{\"state\":\"" + connectorState
                + "\",\"worker_id\":\"w\"},\"tasks\":[" + tasks + "],\"type\":\"sink\"}}}");
    }

    @Test
    void runningCountsOnlyOnceItHeldForTheWholeWindow() throws Exception {
        ConnectorWait wait = new ConnectorWait(Map.of("sink", "running"), Duration.ofSeconds(5));
        assertInstanceOf(ConnectorWait.Waiting.class, wait.observe(all("RUNNING", "UNASSIGNED"), 0));
        assertInstanceOf(ConnectorWait.Waiting.class, wait.observe(all("RUNNING", "RUNNING"), 1_000));
        ConnectorWait.Verdict early = wait.observe(all("RUNNING", "RUNNING"), 5_999);
        assertEquals(
                new ConnectorWait.Waiting("waiting for connectors: 1/1 in their state {sink=running}; checking they"
                        + " stay so for 5 s"),
                early);
        assertInstanceOf(ConnectorWait.Settled.class, wait.observe(all("RUNNING", "RUNNING"), 6_000));
    }

    @Test
    void aTaskThatFailsWithinTheWindowFailsTheWaitWithTheRootCause() throws Exception {
        ConnectorWait wait = new ConnectorWait(Map.of("sink", "running"), Duration.ofSeconds(5));
        wait.observe(all("RUNNING", "RUNNING"), 0);
        assertInstanceOf(ConnectorWait.Waiting.class, wait.observe(all("RUNNING", "RUNNING"), 3_000));
        ConnectorWait.Verdict failed = wait.observe(all("RUNNING", "FAILED:" + TRACE), 3_500);
        assertEquals(
                new ConnectorWait.Failed("task 0 of connector sink failed: org.apache.kafka.common.errors"
                        + ".SerializationException: com.fasterxml.jackson.core.JsonParseException: Unrecognized token"
                        + " 'not': was expecting (JSON String, Number, Array, Object) (see: vertebra connectors"
                        + " status sink)"),
                failed);
    }

    @Test
    void aRestartStartsTheWindowAgain() throws Exception {
        ConnectorWait wait = new ConnectorWait(Map.of("sink", "running"), Duration.ofSeconds(5));
        wait.observe(all("RUNNING", "RUNNING"), 0);
        wait.observe(all("RUNNING", "RUNNING", "UNASSIGNED"), 4_000); // a task more, not yet running
        wait.observe(all("RUNNING", "RUNNING", "RUNNING"), 4_500);
        assertInstanceOf(ConnectorWait.Waiting.class, wait.observe(all("RUNNING", "RUNNING", "RUNNING"), 9_000));
        assertInstanceOf(ConnectorWait.Settled.class, wait.observe(all("RUNNING", "RUNNING", "RUNNING"), 9_500));
    }

    @Test
    void rootCauseIsTheInnermostCausedByOrTheFirstLine() {
        assertEquals(
                "org.apache.kafka.common.errors.SerializationException: com.fasterxml.jackson.core.JsonParseException:"
                        + " Unrecognized token 'not': was expecting (JSON String, Number, Array, Object)",
                Traces.rootCause(TRACE));
        assertEquals(
                "java.lang.IllegalStateException: boom",
                Traces.rootCause("java.lang.IllegalStateException: boom\n\tat x.Y.z(Y.java:1)\n"));
        assertEquals("", Traces.rootCause(null));
        assertEquals("", Traces.rootCause("  "));
    }
}
