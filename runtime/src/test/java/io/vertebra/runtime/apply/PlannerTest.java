package io.vertebra.runtime.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertebra.runtime.apply.Plan.Action;
import io.vertebra.runtime.apply.Plan.Change;
import io.vertebra.runtime.apply.Plan.KeyChange;
import io.vertebra.runtime.cluster.TargetState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules of apply, on plain values: no cluster, no I/O. */
class PlannerTest {
    static final String SET = "pipelines";

    static Map<String, String> config(String name, String... kv) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("name", name);
        c.put("connector.class", "FileSink");
        for (int i = 0; i < kv.length; i += 2) {
            c.put(kv[i], kv[i + 1]);
        }
        return c;
    }

    static ConnectorSpec connector(String name, String... kv) {
        return new ConnectorSpec(name, config(name, kv), TargetState.STARTED, null);
    }

    static ActualState.Connector stored(String name, String... kv) {
        return new ActualState.Connector(config(name, kv), TargetState.STARTED, null);
    }

    static Plan plan(DesiredState desired, ActualState actual, boolean prune) {
        return plan(desired, actual, prune, false);
    }

    static Plan plan(DesiredState desired, ActualState actual, boolean prune, boolean force) {
        return Planner.plan(desired, actual, SET, prune, force, c -> Set.of("db.pass"));
    }

    static ActualState actual(
            Map<String, ActualState.Connector> connectors,
            Map<String, ActualState.Topic> topics,
            Map<String, Inventory> inventories) {
        return new ActualState(connectors, topics, inventories);
    }

    static Change change(Plan plan, String name) {
        return plan.changes().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void newConnectorsAndTopicsAreCreatedAndOwned() {
        DesiredState desired = new DesiredState(
                List.of(connector("sink", "topics", "t")),
                List.of(new TopicSpec("t", 3, null, Map.of("cleanup.policy", "compact"))));
        Plan plan = plan(desired, actual(Map.of(), Map.of(), Map.of()), false);
        assertEquals(Action.CREATE, change(plan, "t").action());
        assertEquals(Action.CREATE, change(plan, "sink").action());
        assertEquals(2, plan.steps().size());
        assertTrue(plan.steps().get(0) instanceof Plan.CreateTopic, "topics before the connectors that use them");
        assertTrue(plan.steps().get(1) instanceof Plan.PutConnector p
                && p.created()
                && p.initial() == TargetState.STARTED);
        assertEquals(Map.of(SET, new Inventory(Set.of("sink"), Set.of("t"))), plan.inventories());
        assertTrue(plan.problems().isEmpty());
    }

    @Test
    void anUnchangedSetPlansNothingAndWritesNothing() {
        DesiredState desired = new DesiredState(
                List.of(connector("sink", "topics", "t")),
                List.of(new TopicSpec("t", 3, (short) 1, Map.of("cleanup.policy", "compact"))));
        ActualState actual = actual(
                Map.of("sink", stored("sink", "topics", "t")),
                Map.of("t", new ActualState.Topic(3, (short) 1, Map.of("cleanup.policy", "compact"))),
                Map.of(SET, new Inventory(Set.of("sink"), Set.of("t"))));
        Plan plan = plan(desired, actual, true);
        assertTrue(plan.noChanges());
        assertEquals(2, plan.count(Action.UNCHANGED));
        assertTrue(plan.inventories().isEmpty(), "the inventory is already right");
        assertTrue(plan.warnings().isEmpty());
    }

    @Test
    void aChangedKeyIsTheOnlyKeyShownAndSecretsAreMasked() {
        DesiredState desired = new DesiredState(
                List.of(connector("sink", "topics", "t", "tasks.max", "3", "db.pass", "new", "api.token", "b")),
                List.of());
        ActualState actual = actual(
                Map.of("sink", stored("sink", "topics", "t", "tasks.max", "1", "db.pass", "old", "api.token", "a")),
                Map.of(),
                Map.of(SET, new Inventory(Set.of("sink"), Set.of())));
        Change c = change(plan(desired, actual, false), "sink");
        assertEquals(Action.UPDATE, c.action());
        assertEquals(
                List.of(
                        new KeyChange("api.token", "[hidden]", "[hidden]", true),
                        new KeyChange("db.pass", "[hidden]", "[hidden]", true),
                        new KeyChange("tasks.max", "1", "3", false)),
                c.keys(),
                "the connector's PASSWORD key and a key named like a secret are masked");
    }

    @Test
    void aDocumentMadeFromGetWithMaskedSecretsKeepsTheStoredSecrets() {
        // GET showed db.pass (PASSWORD) and api.token (named like a secret) as [hidden]; one key was edited
        DesiredState desired = new DesiredState(
                List.of(connector(
                        "sink", "topics", "t", "tasks.max", "3", "db.pass", "[hidden]", "api.token", "[hidden]")),
                List.of());
        ActualState actual = actual(
                Map.of("sink", stored("sink", "topics", "t", "tasks.max", "1", "db.pass", "s3cret", "api.token", "a")),
                Map.of(),
                Map.of(SET, new Inventory(Set.of("sink"), Set.of())));
        Plan plan = plan(desired, actual, false);
        assertTrue(plan.problems().isEmpty(), plan.problems().toString());
        assertEquals(
                List.of(new KeyChange("tasks.max", "1", "3", false)),
                change(plan, "sink").keys());
        Plan.PutConnector put = (Plan.PutConnector) plan.steps().get(0);
        assertEquals("s3cret", put.config().get("db.pass"), "the stored secret is written, not the mask");
        assertEquals("a", put.config().get("api.token"));

        ConnectorSpec unchanged =
                connector("sink", "topics", "t", "tasks.max", "1", "db.pass", "[hidden]", "api.token", "[hidden]");
        assertTrue(plan(new DesiredState(List.of(unchanged), List.of()), actual, false)
                .noChanges());
    }

    @Test
    void aMaskedSecretWithNothingStoredIsAProblemNamingTheKey() {
        DesiredState desired = new DesiredState(List.of(connector("sink", "db.pass", "[hidden]")), List.of());
        Plan plan = plan(desired, actual(Map.of(), Map.of(), Map.of()), false);
        assertEquals(1, plan.problems().size(), plan.problems().toString());
        assertTrue(
                plan.problems().get(0).startsWith("connector 'sink': db.pass: the value [hidden] is how a secret"),
                plan.problems().get(0));
        // a key that is neither PASSWORD nor named like a secret is stored as written
        DesiredState plain = new DesiredState(List.of(connector("sink", "greeting", "[hidden]")), List.of());
        assertTrue(plan(plain, actual(Map.of(), Map.of(), Map.of()), false)
                .problems()
                .isEmpty());
    }

    @Test
    void placeholdersAreShownBecauseTheyAreNotSecrets() {
        DesiredState desired = new DesiredState(List.of(connector("sink", "db.pass", "${env:DB_PASS}")), List.of());
        Change c = change(plan(desired, actual(Map.of(), Map.of(), Map.of()), false), "sink");
        assertTrue(c.keys().contains(new KeyChange("db.pass", null, "${env:DB_PASS}", true)));
    }

    @Test
    void removedKeysAndStateChangesAreChanges() {
        ConnectorSpec paused = new ConnectorSpec("sink", config("sink"), TargetState.PAUSED, null);
        ActualState actual = actual(Map.of("sink", stored("sink", "topics", "t")), Map.of(), Map.of());
        Plan plan = plan(new DesiredState(List.of(paused), List.of()), actual, false);
        assertEquals(
                List.of(
                        new KeyChange("topics", "t", null, false),
                        new KeyChange(Planner.STATE_KEY, "running", "paused", false)),
                change(plan, "sink").keys());
        assertTrue(plan.steps().get(0) instanceof Plan.PutConnector p && !p.created());
        assertTrue(plan.steps().get(1) instanceof Plan.SetState s && s.state() == TargetState.PAUSED);
    }

    @Test
    void pruneDeletesOnlyWhatTheSetOwnsAndNoLongerDeclares() {
        ActualState actual = actual(
                Map.of(
                        "kept", stored("kept"),
                        "gone", stored("gone"),
                        "handmade", stored("handmade"),
                        "other", stored("other")),
                Map.of("old-topic", new ActualState.Topic(1, (short) 1, Map.of())),
                Map.of(
                        SET,
                        new Inventory(Set.of("kept", "gone", "already-deleted"), Set.of("old-topic")),
                        "another-set",
                        new Inventory(Set.of("other"), Set.of())));
        DesiredState desired = new DesiredState(List.of(connector("kept")), List.of());

        Plan withoutPrune = plan(desired, actual, false);
        assertFalse(withoutPrune.steps().stream().anyMatch(s -> s instanceof Plan.DeleteConnector));
        assertEquals(
                List.of("set 'pipelines' no longer declares connector(s) gone and topic(s) old-topic; they stay,"
                        + " --prune deletes them"),
                withoutPrune.warnings());
        assertEquals(
                new Inventory(Set.of("kept", "gone"), Set.of("old-topic")),
                withoutPrune.inventories().get(SET),
                "what it managed and still exists stays managed; what no longer exists is forgotten");

        Plan prune = plan(desired, actual, true);
        assertEquals(
                List.of(new Plan.DeleteConnector("gone"), new Plan.DeleteTopic("old-topic")),
                prune.steps(),
                "handmade and another set's connector survive; already-deleted is not deleted again");
        assertEquals(Action.DELETE, change(prune, "gone").action());
        assertEquals(
                new Inventory(Set.of("kept"), Set.of()), prune.inventories().get(SET));
        assertFalse(prune.inventories().containsKey("another-set"));
    }

    @Test
    void takingOverAConnectorOfAnotherSetOrAHandmadeOneNeedsForceAndNamesItsOwner() {
        ActualState actual = actual(
                Map.of("shared", stored("shared"), "handmade", stored("handmade")),
                Map.of(),
                Map.of("other", new Inventory(Set.of("shared", "theirs"), Set.of())));
        DesiredState desired = new DesiredState(List.of(connector("shared"), connector("handmade")), List.of());

        Plan refused = plan(desired, actual, true, false);
        assertEquals(
                List.of(
                        "connector 'shared' is managed by apply set(s) other, not by set 'pipelines': --force"
                                + " (force=true) lets set 'pipelines' take it over, or rename it in the documents",
                        "connector 'handmade' is managed by no apply set (it was created by hand or by another"
                                + " tool), not by set 'pipelines': --force (force=true) lets set 'pipelines' take it"
                                + " over, or rename it in the documents"),
                refused.problems());

        Plan plan = plan(desired, actual, true, true);
        assertEquals(List.of(), plan.problems());
        assertEquals(
                List.of(
                        "connector 'shared' was managed by apply set(s) other; set 'pipelines' manages it from now on",
                        "connector 'handmade' was managed by no apply set (it was created by hand or by another"
                                + " tool); set 'pipelines' manages it from now on"),
                plan.warnings());
        assertEquals(
                new Inventory(Set.of("theirs"), Set.of()), plan.inventories().get("other"));
        assertEquals(
                new Inventory(Set.of("shared", "handmade"), Set.of()),
                plan.inventories().get(SET));
        assertTrue(plan.noChanges(), "the configs are equal: nothing to write but the inventories");
    }

    @Test
    void pruningATopicThatHoldsRecordsNeedsForceAndSaysHowMany() {
        ActualState actual = actual(
                Map.of(),
                Map.of(
                        "full", new ActualState.Topic(2, (short) 1, Map.of(), 1234),
                        "empty", new ActualState.Topic(1, (short) 1, Map.of(), 0)),
                Map.of(SET, new Inventory(Set.of(), Set.of("full", "empty"))));
        DesiredState nothing = new DesiredState(List.of(), List.of());

        Plan refused = plan(nothing, actual, true, false);
        assertEquals(
                List.of("pruning topic 'full' would delete the 1234 record(s) it holds; --force (force=true) deletes"
                        + " it anyway, or declare the topic to keep it"),
                refused.problems());
        assertEquals(
                List.of(new KeyChange(Planner.RECORDS_KEY, "1234", null, false)),
                change(refused, "full").keys());

        Plan forced = plan(nothing, actual, true, true);
        assertEquals(List.of(), forced.problems());
        assertEquals(List.of("topic 'full' is deleted with the 1234 record(s) it holds"), forced.warnings());
        assertEquals(
                List.of(new Plan.DeleteTopic("empty"), new Plan.DeleteTopic("full")),
                forced.steps().stream()
                        .sorted(java.util.Comparator.comparing(Plan.Step::name))
                        .toList());
    }

    @Test
    void aHiddenSecretAsExportedKeepsTheStoredValue() {
        ActualState actual = actual(
                Map.of("db", stored("db", "db.pass", "s3cret")),
                Map.of(),
                Map.of(SET, new Inventory(Set.of("db"), Set.of())));
        Plan kept = plan(new DesiredState(List.of(connector("db", "db.pass", "[hidden]")), List.of()), actual, false);
        assertTrue(kept.noChanges(), kept.toString());
        assertEquals(Action.UNCHANGED, change(kept, "db").action());

        Plan none =
                plan(new DesiredState(List.of(connector("fresh", "db.pass", "[hidden]")), List.of()), actual, false);
        assertEquals(1, none.problems().size(), none.problems().toString());
        assertTrue(
                none.problems().get(0).startsWith("connector 'fresh': db.pass: the value [hidden]"),
                none.problems().get(0));
    }

    @Test
    void topicsGrowAndTheirConfigsConvergeButNeverShrinkOrMoveReplicas() {
        ActualState actual = actual(
                Map.of(),
                Map.of(
                        "grow",
                        new ActualState.Topic(
                                2, (short) 1, Map.of("retention.ms", "1000", "cleanup.policy", "compact")),
                        "shrink",
                        new ActualState.Topic(4, (short) 1, Map.of()),
                        "rf",
                        new ActualState.Topic(1, (short) 1, Map.of())),
                Map.of());
        DesiredState desired = new DesiredState(
                List.of(),
                List.of(
                        new TopicSpec("grow", 4, null, Map.of("retention.ms", "2000")),
                        new TopicSpec("shrink", 2, null, Map.of()),
                        new TopicSpec("rf", null, (short) 3, Map.of())));
        Plan plan = plan(desired, actual, false);
        assertEquals(
                List.of(
                        new KeyChange(Planner.PARTITIONS_KEY, "2", "4", false),
                        new KeyChange("cleanup.policy", "compact", null, false),
                        new KeyChange("retention.ms", "1000", "2000", false)),
                change(plan, "grow").keys());
        assertTrue(plan.steps().contains(new Plan.AddPartitions("grow", 4)));
        assertTrue(plan.steps()
                .contains(
                        new Plan.AlterTopicConfigs("grow", Map.of("retention.ms", "2000"), List.of("cleanup.policy"))));
        assertEquals(2, plan.problems().size());
        assertTrue(
                plan.problems().get(0).contains("Kafka cannot remove partitions"),
                plan.problems().toString());
        assertTrue(
                plan.problems().get(1).contains("does not move replicas"),
                plan.problems().toString());
    }

    @Test
    void offsetsAreWrittenOnCreateAndWhenStoppedWithOtherOffsets() {
        List<Map<String, Object>> offsets =
                List.of(Map.of("partition", Map.of("file", "a.log"), "offset", Map.of("position", 42)));
        ConnectorSpec created = new ConnectorSpec("src", config("src"), TargetState.STARTED, offsets);
        Plan create = plan(new DesiredState(List.of(created), List.of()), actual(Map.of(), Map.of(), Map.of()), false);
        assertEquals(
                List.of(
                        new Plan.PutConnector("src", config("src"), true, TargetState.STOPPED),
                        new Plan.AlterOffsets("src", offsets),
                        new Plan.SetState("src", TargetState.STARTED)),
                create.steps(),
                "created stopped, offsets written, then started");

        ConnectorSpec stopped = new ConnectorSpec("src", config("src"), TargetState.STOPPED, offsets);
        List<Map<String, Object>> same =
                List.of(Map.of("partition", Map.of("file", "a.log"), "offset", Map.of("position", 42L)));
        Map<String, ActualState.Connector> storedSame = new HashMap<>();
        storedSame.put("src", new ActualState.Connector(config("src"), TargetState.STOPPED, same));
        assertTrue(
                plan(new DesiredState(List.of(stopped), List.of()), actual(storedSame, Map.of(), Map.of()), false)
                        .noChanges(),
                "42 and 42L are the same offset");

        List<Map<String, Object>> other =
                List.of(Map.of("partition", Map.of("file", "a.log"), "offset", Map.of("position", 7)));
        Map<String, ActualState.Connector> storedOther = new HashMap<>();
        storedOther.put("src", new ActualState.Connector(config("src"), TargetState.STOPPED, other));
        assertEquals(
                List.of(new Plan.AlterOffsets("src", offsets)),
                plan(new DesiredState(List.of(stopped), List.of()), actual(storedOther, Map.of(), Map.of()), false)
                        .steps());
    }

    @Test
    void thePlanMasksByTheRuleOfGet() {
        String[] secrets = {
            "aws.secret.access.key", "AKIAsecret1",
            "fs.s3a.secret.key", "s3a-secret-2",
            "consumer.override.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"jaas-pw-3\";",
            "value.converter.basic.auth.user.info", "user:registry-pw-4",
            "connection.url", "jdbc:postgresql://u:url-pw-5@db:5432/shop",
            "store.url", "https://u:url-pw-6@store.example"
        };
        DesiredState desired = new DesiredState(List.of(connector("sink", secrets)), List.of());
        Plan plan = plan(desired, actual(Map.of(), Map.of(), Map.of()), false);
        String shown = change(plan, "sink").keys().toString();
        for (String part : List.of("secret1", "secret-2", "jaas-pw-3", "registry-pw-4", "url-pw-5", "url-pw-6")) {
            assertFalse(shown.contains(part), part + " shown in " + shown);
        }
        Change c = change(plan, "sink");
        assertTrue(
                c.keys()
                        .contains(new KeyChange(
                                "connection.url", null, "jdbc:postgresql://u:[hidden]@db:5432/shop", false)),
                shown);
        assertTrue(
                c.keys().contains(new KeyChange("value.converter.basic.auth.user.info", null, "[hidden]", true)),
                shown);
        // what the plan shows, applied again, is no change: the stored secrets are kept
        ActualState stored = actual(Map.of("sink", stored("sink", secrets)), Map.of(), Map.of());
        Map<String, String> asShown = new java.util.LinkedHashMap<>();
        c.keys().forEach(k -> {
            if (!k.key().startsWith("(")) {
                asShown.put(k.key(), k.after());
            }
        });
        ConnectorSpec again = new ConnectorSpec(
                "sink",
                config(
                        "sink",
                        asShown.entrySet().stream()
                                .filter(e -> e.getValue() != null && !e.getKey().equals("name"))
                                .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue()))
                                .toArray(String[]::new)),
                TargetState.STARTED,
                null);
        Plan replay = plan(new DesiredState(List.of(again), List.of()), stored, false, true);
        assertEquals(List.of(), replay.problems());
        assertEquals(
                Action.UNCHANGED,
                change(replay, "sink").action(),
                change(replay, "sink").toString());
    }
}
