package io.vertebra.runtime.apply;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertebra.runtime.cluster.TargetState;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an apply changes: one {@link Change} per connector and topic the documents declare (created, changed or
 * unchanged) and per owned one that left the set (deleted, with {@code --prune}), plus the problems that stop it.
 * Values of secret keys are already masked: a plan can be printed and logged as it is.
 *
 * @param set the apply set whose inventory the plan updates
 * @param changes in the order they are applied: topics, connectors, then deletions
 * @param problems what is wrong; a plan with problems changes nothing
 * @param warnings worth reading, changes nothing (e.g. a connector another set managed until now)
 * @param steps what the plan does, with the unmasked values it needs; never shown
 * @param inventories the inventories that change, by set: written when the plan is applied
 */
public record Plan(
        String set,
        boolean prune,
        List<Change> changes,
        List<String> problems,
        List<String> warnings,
        List<Step> steps,
        Map<String, Inventory> inventories) {
    public enum Action {
        CREATE,
        UPDATE,
        UNCHANGED,
        DELETE
    }

    /** One key whose value changes; {@code before} null: added, {@code after} null: removed. Masked. */
    public record KeyChange(String key, String before, String after, boolean secret) {}

    /** What happens to one connector or topic, as shown to the user. */
    public record Change(String kind, String name, Action action, List<KeyChange> keys) {
        public Change {
            keys = List.copyOf(keys);
        }
    }

    /** One thing the applier does, in order. */
    public sealed interface Step {
        String kind();

        String name();
    }

    public record CreateTopic(TopicSpec spec) implements Step {
        public String kind() {
            return Documents.TOPIC;
        }

        public String name() {
            return spec.name();
        }
    }

    public record AddPartitions(String name, int total) implements Step {
        public String kind() {
            return Documents.TOPIC;
        }
    }

    /** Sets {@code set} configs and returns {@code reset} ones to the broker's default. */
    public record AlterTopicConfigs(String name, Map<String, String> set, List<String> reset) implements Step {
        public String kind() {
            return Documents.TOPIC;
        }
    }

    public record DeleteTopic(String name) implements Step {
        public String kind() {
            return Documents.TOPIC;
        }
    }

    /** Creates ({@code created}) or replaces the connector's config; a new connector starts in {@code initial}. */
    public record PutConnector(String name, Map<String, String> config, boolean created, TargetState initial)
            implements Step {
        public String kind() {
            return Documents.CONNECTOR;
        }
    }

    public record SetState(String name, TargetState state) implements Step {
        public String kind() {
            return Documents.CONNECTOR;
        }
    }

    public record AlterOffsets(String name, List<Map<String, Object>> offsets) implements Step {
        public String kind() {
            return Documents.CONNECTOR;
        }
    }

    public record DeleteConnector(String name) implements Step {
        public String kind() {
            return Documents.CONNECTOR;
        }
    }

    public Plan {
        changes = List.copyOf(changes);
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
        steps = List.copyOf(steps);
        inventories = Map.copyOf(inventories);
    }

    public long count(Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** True when applying the plan would change nothing in the cluster. */
    public boolean noChanges() {
        return steps.isEmpty();
    }

    public Plan withProblems(List<String> more) {
        List<String> all = new ArrayList<>(problems);
        all.addAll(more);
        return new Plan(set, prune, changes, all, warnings, steps, inventories);
    }

    /** The plan as {@code POST /apply} answers it; no secret appears in it. */
    public ObjectNode toJson(boolean dryRun, boolean applied) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode out = f.objectNode();
        out.put("set", set);
        out.put("dry_run", dryRun);
        out.put("prune", prune);
        out.put("applied", applied);
        ObjectNode summary = out.putObject("summary");
        summary.put("created", count(Action.CREATE));
        summary.put("changed", count(Action.UPDATE));
        summary.put("unchanged", count(Action.UNCHANGED));
        summary.put("deleted", count(Action.DELETE));
        out.put("no_changes", noChanges());
        ArrayNode list = out.putArray("changes");
        for (Change c : changes) {
            ObjectNode o = list.addObject();
            o.put("kind", c.kind());
            o.put("name", c.name());
            o.put("action", c.action().name().toLowerCase(Locale.ROOT));
            ArrayNode keys = o.putArray("keys");
            for (KeyChange k : c.keys()) {
                ObjectNode ko = keys.addObject();
                ko.put("key", k.key());
                ko.put("before", k.before());
                ko.put("after", k.after());
                if (k.secret()) {
                    ko.put("secret", true);
                }
            }
        }
        ArrayNode p = out.putArray("problems");
        problems.forEach(p::add);
        ArrayNode w = out.putArray("warnings");
        warnings.forEach(w::add);
        return out;
    }
}
