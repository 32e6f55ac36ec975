package io.vertebra.runtime.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AssignorTest {
    private static Set<TaskId> tasks(String connector, int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> new TaskId(connector, i))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Assignor.Owned owned(Set<String> connectors, Set<TaskId> tasks) {
        return new Assignor.Owned("http://x/", connectors, tasks);
    }

    @Test
    void newWorkIsSpreadEvenly() {
        Map<String, Assignor.Owned> members = Map.of("a", owned(Set.of(), Set.of()), "b", owned(Set.of(), Set.of()));
        Assignor.Result r = Assignor.assign(members, Set.of("c1", "c2"), tasks("c1", 4));
        assertEquals(2, r.tasks().get("a").size());
        assertEquals(2, r.tasks().get("b").size());
        assertEquals(1, r.connectors().get("a").size());
        assertTrue(r.revoking().isEmpty());
    }

    @Test
    void aJoiningWorkerGetsWorkInTwoRoundsAndNothingRunsTwice() {
        Set<TaskId> all = tasks("c", 6);
        Map<String, Assignor.Owned> members = new HashMap<>();
        members.put("a", owned(Set.of("c"), all));
        members.put("b", owned(Set.of(), Set.of()));
        Assignor.Result first = Assignor.assign(members, Set.of("c"), all);
        assertEquals(Set.of("a"), first.revoking(), "the overloaded worker gives up its excess first");
        assertEquals(3, first.tasks().get("a").size());
        assertTrue(first.tasks().get("b").isEmpty(), "revoked tasks go nowhere in the round they are revoked");
        // second round: a reports only what it kept
        members.put("a", owned(Set.of("c"), first.tasks().get("a")));
        Assignor.Result second = Assignor.assign(members, Set.of("c"), all);
        assertEquals(3, second.tasks().get("b").size());
        assertEquals(
                first.tasks().get("a"), second.tasks().get("a"), "a keeps exactly what it had: nothing moves twice");
        assertTrue(second.revoking().isEmpty());
    }

    @Test
    void theWorkOfALostWorkerIsReassignedAtOnce() {
        Set<TaskId> all = tasks("c", 4);
        Map<String, Assignor.Owned> members =
                Map.of("a", owned(Set.of("c"), Set.of(new TaskId("c", 0), new TaskId("c", 1))));
        Assignor.Result r = Assignor.assign(members, Set.of("c"), all);
        assertEquals(all, r.tasks().get("a"));
    }

    @Test
    void randomMembershipsNeverAssignATaskTwiceAndStayBalanced() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 500; round++) {
            int workers = 1 + random.nextInt(5);
            Set<TaskId> all = tasks("c" + random.nextInt(3), random.nextInt(20));
            Map<String, Assignor.Owned> members = new HashMap<>();
            for (int w = 0; w < workers; w++) {
                Set<TaskId> mine = new HashSet<>();
                for (TaskId t : all) {
                    if (random.nextInt(workers + 1) == 0) {
                        mine.add(t);
                    }
                }
                members.put("w" + w, owned(Set.of(), mine));
            }
            Assignor.Result r = Assignor.assign(members, Set.of(), all);
            Set<TaskId> seen = new HashSet<>();
            int max = 0;
            for (Set<TaskId> assigned : r.tasks().values()) {
                for (TaskId t : assigned) {
                    assertTrue(seen.add(t), "seed " + seed + ": " + t + " assigned twice");
                }
                max = Math.max(max, assigned.size());
            }
            int fair = (all.size() + workers - 1) / workers;
            assertTrue(max <= fair, "seed " + seed + ": a worker holds " + max + " > fair share " + fair);
            if (r.revoking().isEmpty()) {
                assertEquals(all, seen, "seed " + seed + ": without revocations every task is assigned");
            }
        }
    }
}
