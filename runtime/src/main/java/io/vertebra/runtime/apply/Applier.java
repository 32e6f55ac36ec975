package io.vertebra.runtime.apply;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Makes a {@link Plan}'s steps happen, in order, and keeps the inventories true on the way. The inventories first
 * grow to include everything the plan declares (so a connector created and then interrupted is still the set's),
 * and take their final form, without what was pruned, once every step succeeded. A failed step stops the apply;
 * the error names it and how many steps went through, and running apply again continues from there.
 */
public final class Applier {
    private Applier() {}

    /** The outcome: how many steps ran, and the failure that stopped it (null when every step ran). */
    public record Result(int done, int total, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    public static Result apply(Plan plan, ActualState before, ApplyTarget target, Consumer<String> progress) {
        if (!plan.problems().isEmpty()) {
            throw new IllegalStateException("a plan with problems is not applied");
        }
        Map<String, Inventory> written = new TreeMap<>(before.inventories());
        plan.inventories().forEach((set, after) -> {
            Inventory was = before.inventories().getOrDefault(set, Inventory.EMPTY);
            Inventory grown = union(was, after);
            if (!grown.equals(was)) {
                target.writeInventory(set, grown);
                written.put(set, grown);
            }
        });
        int done = 0;
        List<Plan.Step> steps = plan.steps();
        for (Plan.Step step : steps) {
            try {
                run(step, target);
            } catch (RuntimeException e) {
                String error = "failed at step " + (done + 1) + " of " + steps.size() + " (" + describe(step) + "): "
                        + e.getMessage();
                return new Result(done, steps.size(), error);
            }
            done++;
            progress.accept(describe(step));
        }
        plan.inventories().forEach((set, after) -> {
            if (!after.equals(written.getOrDefault(set, Inventory.EMPTY))) {
                target.writeInventory(set, after);
            }
        });
        return new Result(done, steps.size(), null);
    }

    private static void run(Plan.Step step, ApplyTarget target) {
        if (step instanceof Plan.CreateTopic s) {
            target.createTopic(s.spec());
        } else if (step instanceof Plan.AddPartitions s) {
            target.addPartitions(s.name(), s.total());
        } else if (step instanceof Plan.AlterTopicConfigs s) {
            target.alterTopicConfigs(s.name(), s.set(), s.reset());
        } else if (step instanceof Plan.DeleteTopic s) {
            target.deleteTopic(s.name());
        } else if (step instanceof Plan.PutConnector s) {
            target.putConnector(s.name(), s.config(), s.created() ? s.initial() : null);
        } else if (step instanceof Plan.SetState s) {
            target.setState(s.name(), s.state());
        } else if (step instanceof Plan.AlterOffsets s) {
            target.alterOffsets(s.name(), s.offsets());
        } else if (step instanceof Plan.DeleteConnector s) {
            target.deleteConnector(s.name());
        } else {
            throw new IllegalArgumentException("unknown step " + step);
        }
    }

    /** A step in a few words, without values (they may be secret). */
    public static String describe(Plan.Step step) {
        String what;
        if (step instanceof Plan.CreateTopic) {
            what = "create topic";
        } else if (step instanceof Plan.AddPartitions) {
            what = "add partitions to topic";
        } else if (step instanceof Plan.AlterTopicConfigs) {
            what = "alter configs of topic";
        } else if (step instanceof Plan.DeleteTopic) {
            what = "delete topic";
        } else if (step instanceof Plan.PutConnector s) {
            what = s.created() ? "create connector" : "update connector";
        } else if (step instanceof Plan.SetState s) {
            what = "set state " + Documents.stateName(s.state()) + " of connector";
        } else if (step instanceof Plan.AlterOffsets) {
            what = "write offsets of connector";
        } else {
            what = "delete connector";
        }
        return what + " " + step.name();
    }

    private static Inventory union(Inventory a, Inventory b) {
        List<String> connectors = new ArrayList<>(a.connectors());
        connectors.addAll(b.connectors());
        List<String> topics = new ArrayList<>(a.topics());
        topics.addAll(b.topics());
        return new Inventory(new java.util.HashSet<>(connectors), new java.util.HashSet<>(topics));
    }
}
