package io.vertebra.runtime.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertebra.runtime.apply.Plan.Action;
import io.vertebra.runtime.apply.Plan.Change;
import io.vertebra.runtime.apply.Plan.KeyChange;
import io.vertebra.runtime.apply.Plan.Step;
import io.vertebra.runtime.cluster.TargetState;
import io.vertebra.runtime.config.SecretMasker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Desired state + actual state → {@link Plan}. Pure: it reads nothing and changes nothing, so every rule of apply is
 * tested here without a cluster.
 *
 * <ul>
 *   <li>A connector is changed when any config key differs (compared as stored strings), its state differs, or it
 *       is declared stopped with offsets that differ from its stored ones.
 *   <li>A topic is changed when it needs more partitions or its own configs differ (keys left out return to the
 *       broker's default). Fewer partitions or another replication factor are problems: Kafka cannot remove
 *       partitions, and a new replication factor is a reassignment ({@code vertebra partitions}).
 *   <li>With {@code prune}, what the set's inventory names and the documents no longer declare is deleted. Nothing
 *       outside the inventory is ever deleted. A topic that still holds records is deleted only with {@code force}:
 *       the plan says how many records go.
 *   <li>Applying makes the set manage everything it declares. Taking a connector over from another set or from one
 *       created by hand needs {@code force} (a shared name is more often a mistake than a move); a topic is taken
 *       over with a warning.
 *   <li>A connector config value {@code [hidden]} (what {@code GET /connectors/NAME} and {@code vertebra export}
 *       show for a secret) keeps the stored value, so an exported document applies unchanged.
 * </ul>
 */
public final class Planner {
    public static final String STATE_KEY = "(state)";
    public static final String OFFSETS_KEY = "(offsets)";
    public static final String PARTITIONS_KEY = "(partitions)";
    public static final String REPLICATION_FACTOR_KEY = "(replication.factor)";
    public static final String RECORDS_KEY = "(records)";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Planner() {}

    /**
     * @param secretKeys the keys of a connector config whose values are secrets (its connector's PASSWORD keys);
     *     keys that look secret by name ({@link SecretMasker#looksSecret}) are masked too
     */
    public static Plan plan(
            DesiredState desired,
            ActualState actual,
            String set,
            boolean prune,
            boolean force,
            Function<Map<String, String>, Set<String>> secretKeys) {
        List<Change> changes = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Inventory owned = actual.inventories().getOrDefault(set, Inventory.EMPTY);

        for (TopicSpec t : desired.topics()) {
            planTopic(t, actual.topics().get(t.name()), changes, steps, problems);
            ownership("topic", t.name(), actual.topics().containsKey(t.name()), set, actual, true, warnings, problems);
        }
        List<Step> stateSteps = new ArrayList<>();
        for (ConnectorSpec c : desired.connectors()) {
            planConnector(c, actual.connectors().get(c.name()), secretKeys, changes, steps, stateSteps, problems);
            ownership(
                    "connector",
                    c.name(),
                    actual.connectors().containsKey(c.name()),
                    set,
                    actual,
                    force,
                    warnings,
                    problems);
        }
        steps.addAll(stateSteps);

        Set<String> declaredConnectors = new HashSet<>();
        desired.connectors().forEach(c -> declaredConnectors.add(c.name()));
        Set<String> declaredTopics = new HashSet<>();
        desired.topics().forEach(t -> declaredTopics.add(t.name()));
        Set<String> goneConnectors = new TreeSet<>(owned.connectors());
        goneConnectors.removeAll(declaredConnectors);
        goneConnectors.retainAll(actual.connectors().keySet());
        Set<String> goneTopics = new TreeSet<>(owned.topics());
        goneTopics.removeAll(declaredTopics);
        goneTopics.retainAll(actual.topics().keySet());
        if (prune) {
            for (String name : goneConnectors) {
                changes.add(new Change(Documents.CONNECTOR, name, Action.DELETE, List.of()));
                steps.add(new Plan.DeleteConnector(name));
            }
            for (String name : goneTopics) {
                long records = actual.topics().get(name).records();
                List<KeyChange> keys = records > 0
                        ? List.of(new KeyChange(RECORDS_KEY, Long.toString(records), null, false))
                        : List.of();
                changes.add(new Change(Documents.TOPIC, name, Action.DELETE, keys));
                steps.add(new Plan.DeleteTopic(name));
                if (records > 0 && !force) {
                    problems.add("pruning topic '" + name + "' would delete the " + records + " record(s) it holds;"
                            + " --force (force=true) deletes it anyway, or declare the topic to keep it");
                } else if (records > 0) {
                    warnings.add("topic '" + name + "' is deleted with the " + records + " record(s) it holds");
                }
            }
        } else if (!goneConnectors.isEmpty() || !goneTopics.isEmpty()) {
            warnings.add("set '" + set + "' no longer declares " + describe(goneConnectors, goneTopics)
                    + "; they stay, --prune deletes them");
        }

        // the set manages what it declares, plus (without prune) what it managed and still exists; another set
        // that managed something this set declares lets go of it
        Set<String> ownedConnectors = new TreeSet<>(declaredConnectors);
        Set<String> ownedTopics = new TreeSet<>(declaredTopics);
        if (!prune) {
            ownedConnectors.addAll(goneConnectors);
            ownedTopics.addAll(goneTopics);
        }
        Map<String, Inventory> after = new TreeMap<>();
        after.put(set, new Inventory(ownedConnectors, ownedTopics));
        actual.inventories().forEach((other, inventory) -> {
            if (!other.equals(set)) {
                Set<String> connectors = new TreeSet<>(inventory.connectors());
                connectors.removeAll(declaredConnectors);
                Set<String> topics = new TreeSet<>(inventory.topics());
                topics.removeAll(declaredTopics);
                after.put(other, new Inventory(connectors, topics));
            }
        });
        after.entrySet()
                .removeIf(e -> e.getValue().equals(actual.inventories().getOrDefault(e.getKey(), Inventory.EMPTY)));
        return new Plan(set, prune, changes, problems, warnings, steps, after);
    }

    private static void planTopic(
            TopicSpec t, ActualState.Topic a, List<Change> changes, List<Step> steps, List<String> problems) {
        List<KeyChange> keys = new ArrayList<>();
        if (a == null) {
            keys.add(new KeyChange(
                    PARTITIONS_KEY,
                    null,
                    t.partitions() == null ? "broker default" : t.partitions().toString(),
                    false));
            keys.add(new KeyChange(
                    REPLICATION_FACTOR_KEY,
                    null,
                    t.replicationFactor() == null
                            ? "broker default"
                            : t.replicationFactor().toString(),
                    false));
            new TreeMap<>(t.configs()).forEach((k, v) -> keys.add(new KeyChange(k, null, v, false)));
            changes.add(new Change(Documents.TOPIC, t.name(), Action.CREATE, keys));
            steps.add(new Plan.CreateTopic(t));
            return;
        }
        if (t.partitions() != null && t.partitions() != a.partitions()) {
            if (t.partitions() < a.partitions()) {
                problems.add("topic '" + t.name() + "' has " + a.partitions() + " partitions and the document says "
                        + t.partitions() + ": Kafka cannot remove partitions; declare " + a.partitions()
                        + " or more, or delete and recreate the topic");
            } else {
                keys.add(new KeyChange(
                        PARTITIONS_KEY,
                        Integer.toString(a.partitions()),
                        t.partitions().toString(),
                        false));
                steps.add(new Plan.AddPartitions(t.name(), t.partitions()));
            }
        }
        if (t.replicationFactor() != null && t.replicationFactor() != a.replicationFactor()) {
            problems.add("topic '" + t.name() + "' has replication factor " + a.replicationFactor()
                    + " and the document says " + t.replicationFactor() + ": apply does not move replicas; use"
                    + " kafka-reassign-partitions, or declare " + a.replicationFactor());
        }
        Map<String, String> set = new TreeMap<>();
        List<String> reset = new ArrayList<>();
        for (String key : union(t.configs().keySet(), a.configs().keySet())) {
            String before = a.configs().get(key);
            String after = t.configs().get(key);
            if (!Objects.equals(before, after)) {
                keys.add(new KeyChange(key, before, after, false));
                if (after == null) {
                    reset.add(key);
                } else {
                    set.put(key, after);
                }
            }
        }
        if (!set.isEmpty() || !reset.isEmpty()) {
            steps.add(new Plan.AlterTopicConfigs(t.name(), set, reset));
        }
        changes.add(new Change(Documents.TOPIC, t.name(), keys.isEmpty() ? Action.UNCHANGED : Action.UPDATE, keys));
    }

    private static void planConnector(
            ConnectorSpec c,
            ActualState.Connector a,
            Function<Map<String, String>, Set<String>> secretKeys,
            List<Change> changes,
            List<Step> steps,
            List<Step> stateSteps,
            List<String> problems) {
        Set<String> secrets = new HashSet<>(secretKeys.apply(c.config()));
        if (a != null) {
            secrets.addAll(secretKeys.apply(a.config()));
        }
        Map<String, String> before = a == null ? Map.of() : a.config();
        // a document made from GET shows secrets masked: they mean "keep the stored value", as over REST
        SecretMasker.Unmasked unmasked = SecretMasker.unmask(c.name(), c.config(), before, secrets);
        unmasked.problems().forEach(p -> problems.add("connector '" + c.name() + "': " + p));
        Map<String, String> config = unmasked.config();
        List<KeyChange> keys = new ArrayList<>();
        for (String key : union(config.keySet(), before.keySet())) {
            String was = before.get(key);
            String is = config.get(key);
            if (!Objects.equals(was, is)) {
                keys.add(new KeyChange(
                        key,
                        SecretMasker.maskValue(key, was, secrets),
                        SecretMasker.maskValue(key, is, secrets),
                        SecretMasker.isSecret(key, secrets)));
            }
        }
        if (a == null) {
            keys.add(new KeyChange(STATE_KEY, null, Documents.stateName(c.state()), false));
            TargetState initial = c.state();
            if (c.offsets() != null) {
                keys.add(new KeyChange(OFFSETS_KEY, null, c.offsets().size() + " partition(s)", false));
                initial = TargetState.STOPPED; // offsets can only be written while it is stopped
            }
            changes.add(new Change(Documents.CONNECTOR, c.name(), Action.CREATE, keys));
            steps.add(new Plan.PutConnector(c.name(), config, true, initial));
            if (c.offsets() != null) {
                stateSteps.add(new Plan.AlterOffsets(c.name(), c.offsets()));
            }
            if (initial != c.state()) {
                stateSteps.add(new Plan.SetState(c.name(), c.state()));
            }
            return;
        }
        if (!keys.isEmpty()) {
            steps.add(new Plan.PutConnector(c.name(), config, false, null));
        }
        if (a.state() != c.state()) {
            keys.add(new KeyChange(STATE_KEY, Documents.stateName(a.state()), Documents.stateName(c.state()), false));
            stateSteps.add(new Plan.SetState(c.name(), c.state()));
        }
        if (c.offsets() != null
                && c.state() == TargetState.STOPPED
                && a.offsets() != null
                && !sameOffsets(c.offsets(), a.offsets())) {
            keys.add(new KeyChange(
                    OFFSETS_KEY,
                    a.offsets().size() + " partition(s)",
                    c.offsets().size() + " partition(s)",
                    false));
            stateSteps.add(new Plan.AlterOffsets(c.name(), c.offsets()));
        }
        changes.add(new Change(Documents.CONNECTOR, c.name(), keys.isEmpty() ? Action.UNCHANGED : Action.UPDATE, keys));
    }

    private static void ownership(
            String kind,
            String name,
            boolean exists,
            String set,
            ActualState actual,
            boolean force,
            List<String> warnings,
            List<String> problems) {
        if (!exists) {
            return; // an inventory may still name what was deleted since: nothing to take over
        }
        boolean topic = kind.equals("topic");
        List<String> others = new ArrayList<>();
        actual.inventories().forEach((other, inventory) -> {
            if (!other.equals(set) && (topic ? inventory.topics() : inventory.connectors()).contains(name)) {
                others.add(other);
            }
        });
        others.sort(null);
        Inventory own = actual.inventories().getOrDefault(set, Inventory.EMPTY);
        String owner;
        if (!others.isEmpty()) {
            owner = "apply set(s) " + String.join(", ", others);
        } else if (!(topic ? own.topics() : own.connectors()).contains(name)) {
            owner = "no apply set (it was created by hand or by another tool)";
        } else {
            return;
        }
        if (force) {
            warnings.add(
                    kind + " '" + name + "' was managed by " + owner + "; set '" + set + "' manages it from now on");
        } else {
            problems.add(kind + " '" + name + "' is managed by " + owner + ", not by set '" + set + "': --force"
                    + " (force=true) lets set '" + set + "' take it over, or rename it in the documents");
        }
    }

    /** Offsets compared as JSON values (a YAML 5 equals a stored 5L); order of entries does not matter. */
    static boolean sameOffsets(List<Map<String, Object>> desired, List<Map<String, Object>> actual) {
        Set<JsonNode> a = new HashSet<>();
        actual.forEach(e -> a.add(canonical(e)));
        Set<JsonNode> d = new HashSet<>();
        desired.forEach(e -> d.add(canonical(e)));
        return a.containsAll(d);
    }

    /** Numbers as longs (or doubles), so equal values compare equal whatever their Java type. */
    private static JsonNode canonical(Object value) {
        try {
            return JSON.readTree(JSON.writeValueAsString(value));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("offsets must be JSON values: " + value, e);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static String describe(Set<String> connectors, Set<String> topics) {
        List<String> parts = new ArrayList<>();
        if (!connectors.isEmpty()) {
            parts.add("connector(s) " + String.join(", ", connectors));
        }
        if (!topics.isEmpty()) {
            parts.add("topic(s) " + String.join(", ", topics));
        }
        return String.join(" and ", parts);
    }
}
