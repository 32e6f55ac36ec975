package io.vertebra.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Waits until connectors reach their declared states (running: the connector and every task RUNNING; paused:
 * PAUSED; stopped: STOPPED) and stay there for a stability window, printing progress whenever it changes. A task
 * that starts and fails seconds later (a bad record, a converter that does not match the data) is RUNNING at first:
 * only a state that holds for the window counts. A FAILED connector or task ends the wait with its root cause.
 *
 * <p>{@link #observe} is the decision, pure over one {@code GET /connectors?expand=status} answer and a clock;
 * {@link #await} polls the REST API and feeds it.
 */
final class ConnectorWait {
    /** What one observation concluded. */
    sealed interface Verdict {}

    /** Every connector has been in its declared state for the whole window. */
    record Settled() implements Verdict {}

    /** A connector or task FAILED: {@code message} names it and the root cause. */
    record Failed(String message) implements Verdict {}

    /** Not yet; {@code progress} says how far. */
    record Waiting(String progress) implements Verdict {}

    private final Map<String, String> declared;
    private final long stableForMs;
    /** Per connector: what its status looked like, and since when (ms) it has looked so in its declared state. */
    private final Map<String, String> lastSeen = new HashMap<>();

    private final Map<String, Long> arrivedAtMs = new HashMap<>();

    ConnectorWait(Map<String, String> declared, Duration stableFor) {
        this.declared = Map.copyOf(declared);
        this.stableForMs = stableFor.toMillis();
    }

    /** Polls {@code client} every 500 ms until settled, failed or {@code timeout}; returns the exit code. */
    int await(RestClient client, Duration timeout, PrintStream progress) throws InterruptedException {
        if (declared.isEmpty()) {
            return 0;
        }
        long startMs = System.nanoTime() / 1_000_000;
        String last = "";
        while (true) {
            long nowMs = System.nanoTime() / 1_000_000;
            Verdict v = observe(client.get("/connectors?expand=status"), nowMs);
            if (v instanceof Settled) {
                progress.println("all " + declared.size() + " connector(s) stayed in their declared state for "
                        + seconds(stableForMs));
                return 0;
            }
            if (v instanceof Failed f) {
                progress.println("error: " + f.message());
                return CliException.FAILED;
            }
            String line = ((Waiting) v).progress();
            if (!line.equals(last)) {
                progress.println(line);
                last = line;
            }
            if (nowMs - startMs > timeout.toMillis()) {
                progress.println("error: connectors not in their declared state for " + seconds(stableForMs)
                        + " after waiting " + seconds(timeout.toMillis()) + "; see vertebra connectors list");
                return CliException.TIMED_OUT;
            }
            Thread.sleep(500);
        }
    }

    /** One look at every connector's status ({@code GET /connectors?expand=status}) at {@code nowMs}. */
    Verdict observe(JsonNode all, long nowMs) {
        int arrived = 0;
        int stable = 0;
        Map<String, String> states = new TreeMap<>();
        for (Map.Entry<String, String> e : declared.entrySet()) {
            String name = e.getKey();
            JsonNode status = all.path(name).path("status");
            String failure = failure(name, status);
            if (failure != null) {
                return new Failed(failure + " (see: vertebra connectors status " + name + ")");
            }
            String state = state(status);
            states.put(name, state);
            String seen = status.toString();
            if (!state.equalsIgnoreCase(e.getValue()) || !seen.equals(lastSeen.get(name))) {
                arrivedAtMs.remove(name); // a restart, a task more or less: the window starts again
            }
            lastSeen.put(name, seen);
            if (state.equalsIgnoreCase(e.getValue())) {
                arrived++;
                long since = arrivedAtMs.computeIfAbsent(name, n -> nowMs);
                if (nowMs - since >= stableForMs) {
                    stable++;
                }
            }
        }
        if (stable == declared.size()) {
            return new Settled();
        }
        return new Waiting("waiting for connectors: " + arrived + "/" + declared.size() + " in their state " + states
                + (arrived == declared.size() ? "; checking they stay so for " + seconds(stableForMs) : ""));
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

    /** "connector NAME failed: ROOT CAUSE" or "task N of connector NAME failed: ROOT CAUSE"; null when none. */
    static String failure(String name, JsonNode status) {
        JsonNode c = status.path("connector");
        if (c.path("state").asText().equals("FAILED")) {
            return "connector " + name + " failed: " + rootCauseOf(c);
        }
        for (JsonNode t : status.path("tasks")) {
            if (t.path("state").asText().equals("FAILED")) {
                return "task " + t.path("id").asText() + " of connector " + name + " failed: " + rootCauseOf(t);
            }
        }
        return null;
    }

    private static String rootCauseOf(JsonNode state) {
        String root = Traces.rootCause(state.path("trace").asText(""));
        return root.isEmpty() ? "(no trace)" : root;
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
