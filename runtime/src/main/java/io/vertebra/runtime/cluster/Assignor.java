package io.vertebra.runtime.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader's incremental cooperative assignment, a pure function of what each member owns now and what exists:
 *
 * <ol>
 *   <li>every member keeps what it owns that still exists (a connector or task claimed twice stays with the first
 *       member in id order);
 *   <li>a member above its fair share ({@code ceil(total / members)}) gives up the excess: it is <em>revoked</em> and
 *       assigned to nobody in this round; the member rejoins once it has stopped it;
 *   <li>what nobody owns (new, or its worker left the group) goes to the least loaded members right away.
 * </ol>
 *
 * A rebalance therefore moves only what must move, and nothing ever runs on two workers at once. Connectors and
 * tasks are balanced separately, as Kafka Connect does.
 */
public final class Assignor {
    private Assignor() {}

    /** What a member reported owning when it joined. */
    public record Owned(String url, Set<String> connectors, Set<TaskId> tasks) {}

    /** The new assignment of each member, and whether it must give something up. */
    public record Result(Map<String, Set<String>> connectors, Map<String, Set<TaskId>> tasks, Set<String> revoking) {}

    public static Result assign(Map<String, Owned> members, Set<String> allConnectors, Set<TaskId> allTasks) {
        List<String> ids = new ArrayList<>(new TreeSet<>(members.keySet()));
        Map<String, Set<String>> connectors = new TreeMap<>();
        Map<String, Set<TaskId>> tasks = new TreeMap<>();
        Set<String> revoking = new HashSet<>();
        balance(ids, members, allConnectors, Owned::connectors, connectors, revoking);
        balance(ids, members, allTasks, Owned::tasks, tasks, revoking);
        return new Result(connectors, tasks, revoking);
    }

    private static <T extends Comparable<T>> void balance(
            List<String> ids,
            Map<String, Owned> members,
            Set<T> all,
            java.util.function.Function<Owned, Set<T>> owned,
            Map<String, Set<T>> out,
            Set<String> revoking) {
        Set<T> taken = new HashSet<>();
        for (String id : ids) {
            Set<T> keep = new TreeSet<>();
            for (T item : owned.apply(members.get(id))) {
                if (all.contains(item) && taken.add(item)) {
                    keep.add(item);
                }
            }
            out.put(id, keep);
        }
        if (ids.isEmpty()) {
            return;
        }
        int fair = (all.size() + ids.size() - 1) / ids.size();
        Set<T> revokedNow = new HashSet<>();
        for (String id : ids) {
            Set<T> mine = out.get(id);
            while (mine.size() > fair) {
                T last = ((TreeSet<T>) mine).last();
                mine.remove(last);
                revokedNow.add(last);
                revoking.add(id);
            }
        }
        List<T> unowned = new ArrayList<>();
        for (T item : new TreeSet<>(all)) {
            if (!taken.contains(item)) {
                unowned.add(item);
            }
        }
        Comparator<String> byLoad =
                Comparator.<String>comparingInt(id -> out.get(id).size()).thenComparing(id -> id);
        for (T item : unowned) {
            String target = ids.stream().min(byLoad).orElseThrow();
            out.get(target).add(item);
        }
        // revoked items (revokedNow) stay unassigned this round: their owner rejoins after stopping them
    }
}
