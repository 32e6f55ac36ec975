package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * Waits until connectors reach their declared states (running: the connector and every task RUNNING; paused:
 * PAUSED; stopped: STOPPED), printing progress whenever it changes. A FAILED connector or task ends the wait with its
 * error.
 */
final class ConnectorWait {
    private final RestClient client;
    private final PrintStream progress;

    ConnectorWait(RestClient client, PrintStream progress) {
        this.client = client;
        this.progress = progress;
    }

    /** Exit code: 0 when all arrived, 1 when one failed or time ran out. */
    int await(Map<String, String> declared, int timeoutSeconds) throws InterruptedException {
        if (declared.isEmpty()) {
            return 0;
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        String last = "";
        while (true) {
            JsonNode all = client.get("/connectors?expand=status");
            int arrived = 0;
            Map<String, String> states = new TreeMap<>();
            for (Map.Entry<String, String> e : declared.entrySet()) {
                JsonNode status = all.path(e.getKey()).path("status");
                String failure = failure(status);
                if (failure != null) {
                    progress.println("error: connector " + e.getKey() + " failed: " + failure);
                    progress.println("see: vertebra connectors status " + e.getKey());
                    return CliException.FAILED;
                }
                String state = state(status);
                states.put(e.getKey(), state);
                if (state.equalsIgnoreCase(e.getValue())) {
                    arrived++;
                }
            }
            String line = "waiting for connectors: " + arrived + "/" + declared.size() + " in their state " + states;
            if (!line.equals(last)) {
                progress.println(line);
                last = line;
            }
            if (arrived == declared.size()) {
                return 0;
            }
            if (System.nanoTime() > deadline) {
                progress.println("error: connectors not in their declared state after " + timeoutSeconds + " s;"
                        + " see vertebra connectors list");
                return CliException.FAILED;
            }
            Thread.sleep(500);
        }
    }

    /** running (connector and all tasks RUNNING), paused, stopped, or the connector's state as reported. */
    private static String state(JsonNode status) {
        String c = status.path("connector").path("state").asText("UNASSIGNED");
        if (c.equals("RUNNING")) {
            for (JsonNode t : status.path("tasks")) {
                if (!t.path("state").asText().equals("RUNNING")) {
                    return "starting";
                }
            }
            return status.path("tasks").isEmpty() ? "starting" : "running";
        }
        return c.toLowerCase();
    }

    private static String failure(JsonNode status) {
        if (status.path("connector").path("state").asText().equals("FAILED")) {
            return firstLine(status.path("connector").path("trace").asText());
        }
        for (JsonNode t : status.path("tasks")) {
            if (t.path("state").asText().equals("FAILED")) {
                return "task " + t.path("id").asText() + ": "
                        + firstLine(t.path("trace").asText());
            }
        }
        return null;
    }

    private static String firstLine(String trace) {
        return trace.lines().findFirst().orElse("(no trace)");
    }
}
