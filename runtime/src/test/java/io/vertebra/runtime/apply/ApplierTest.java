package io.vertebra.runtime.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.runtime.cluster.TargetState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Documents → plan → applied to the in-memory twin, the way {@link ApplyService} runs them. */
class ApplierTest {
    static final ObjectMapper JSON = new ObjectMapper();
    final InMemoryApplyTarget target = new InMemoryApplyTarget();

    Applier.Result apply(String set, boolean prune, String... documents) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        for (String d : documents) {
            docs.add(JSON.readTree(d));
        }
        DesiredState desired = Documents.parse(docs);
        ActualState actual = target.read(desired);
        Plan plan = Planner.plan(desired, actual, set, prune, false, c -> Set.of());
        return Applier.apply(plan, actual, target, step -> {});
    }

    static final String TOPIC = "{\"kind\": \"Topic\", \"name\": \"t\", \"partitions\": 2}";
    static final String SINK =
            "{\"name\": \"sink\", \"config\": {\"connector.class\": \"FileSink\", \"topics\": \"t\"}}";
    static final String SOURCE = "{\"kind\": \"Connector\", \"name\": \"src\", \"state\": \"paused\","
            + " \"config\": {\"connector.class\": \"FileSource\", \"topic\": \"t\", \"tasks.max\": 2}}";

    @Test
    void appliesInOrderAndReappliesAsNoChange() throws Exception {
        Applier.Result first = apply("s", false, SINK, SOURCE, TOPIC);
        assertTrue(first.ok(), first.error());
        assertEquals(List.of("create topic t", "create sink", "create src"), target.calls);
        assertEquals(TargetState.PAUSED, target.connectors.get("src").state(), "created in its declared state");
        assertEquals("2", target.connectors.get("src").config().get("tasks.max"), "numbers stored as strings");
        assertEquals(
                new Inventory(Set.of("sink", "src"), Set.of("t")),
                target.inventories.readAll().get("s"));
        int writes = target.inventories.writes().size();

        target.calls.clear();
        Applier.Result again = apply("s", true, SINK, SOURCE, TOPIC);
        assertEquals(0, again.total());
        assertEquals(List.of(), target.calls, "an unchanged set changes nothing");
        assertEquals(writes, target.inventories.writes().size(), "and writes no inventory");
    }

    @Test
    void pruneAfterADocumentLeftTheSet() throws Exception {
        apply("s", false, SINK, SOURCE, TOPIC);
        target.connectors.put("handmade", target.connectors.get("sink"));
        target.calls.clear();
        Applier.Result pruned = apply("s", true, SINK);
        assertTrue(pruned.ok());
        assertEquals(List.of("delete src", "delete topic t"), target.calls);
        assertEquals(Set.of("sink", "handmade"), target.connectors.keySet());
        assertEquals(
                new Inventory(Set.of("sink"), Set.of()),
                target.inventories.readAll().get("s"));
    }

    @Test
    void aFailedStepStopsTheApplyAndTheInventoryStillHoldsWhatWasCreated() throws Exception {
        target.failOn = "create src";
        Applier.Result result = apply("s", false, TOPIC, SINK, SOURCE);
        assertEquals(2, result.done());
        assertEquals(3, result.total());
        assertTrue(
                result.error().startsWith("failed at step 3 of 3 (create connector src): cannot create src"),
                result.error());
        assertEquals(
                new Inventory(Set.of("sink", "src"), Set.of("t")),
                target.inventories.readAll().get("s"),
                "written before the steps: a later --prune still finds what this apply created");
        target.failOn = null;
        target.calls.clear();
        assertTrue(apply("s", false, TOPIC, SINK, SOURCE).ok());
        assertEquals(List.of("create src"), target.calls, "running it again continues where it stopped");
    }

    @Test
    void documentsAreCheckedAllAtOnce() {
        List<JsonNode> docs = new ArrayList<>();
        for (String d : List.of(
                "{\"kind\": \"Queue\", \"name\": \"q\"}",
                "{\"name\": \"x\"}",
                "{\"kind\": \"Topic\", \"name\": \"bad name\", \"partitions\": 0}",
                SINK,
                SINK)) {
            try {
                docs.add(JSON.readTree(d));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        io.vertebra.runtime.rest.RestException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.vertebra.runtime.rest.RestException.class, () -> Documents.parse(docs));
        assertEquals(400, e.status());
        String m = e.getMessage();
        assertTrue(m.contains("document 1 (q): unknown kind 'Queue'; use Connector or Topic"), m);
        assertTrue(m.contains("document 2 (x): needs a 'config' object"), m);
        assertTrue(m.contains("document 3 (bad name): topic name 'bad name' may only hold"), m);
        assertTrue(m.contains("document 3 (bad name): 'partitions' must be a whole number of at least 1"), m);
        assertTrue(m.contains("document 5 (sink): connector 'sink' is declared twice"), m);
    }

    @Test
    void planJsonHidesNothingButSecrets() throws Exception {
        DesiredState desired = Documents.parse(List.of(JSON.readTree(
                "{\"name\": \"c\", \"config\": {\"connector.class\": \"X\", \"connection.password\": \"pw\"}}")));
        Plan plan = Planner.plan(desired, target.read(desired), "s", false, false, c -> Set.of());
        String json = plan.toJson(true, false).toString();
        assertTrue(!json.contains("\"pw\""), json);
        assertTrue(
                json.contains("\"connection.password\",\"before\":null,\"after\":\"[hidden]\",\"secret\":true"), json);
        assertEquals(
                Map.of("created", 1),
                Map.of(
                        "created",
                        plan.toJson(true, false).get("summary").get("created").asInt()));
    }
}
