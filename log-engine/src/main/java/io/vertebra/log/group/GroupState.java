package io.vertebra.log.group;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a classic group, under the names Kafka's clients and tools print and filter on
 * ({@code ListGroups} states filter, {@code DescribeGroups}).
 *
 * <pre>
 *            first join / member leaves / leader rejoins / metadata changes
 *   Empty ─────────────────────────────► PreparingRebalance ◄──────────────┐
 *     ▲                                   │        │ all (re)joined or     │
 *     │ last member gone                  │        │ rebalance timeout     │
 *     └───────────────────────────────────┘        ▼                       │
 *                                        CompletingRebalance ──────────────┤
 *                                                  │ leader's SyncGroup    │
 *                                                  ▼ stored                │
 *                                                Stable ───────────────────┘
 *   Dead: the group was deleted, expired or unloaded; no transition leaves it.
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;
    private Set<GroupState> validPrevious;

    static {
        EMPTY.validPrevious = EnumSet.of(PREPARING_REBALANCE);
        PREPARING_REBALANCE.validPrevious = EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
        COMPLETING_REBALANCE.validPrevious = EnumSet.of(PREPARING_REBALANCE);
        STABLE.validPrevious = EnumSet.of(COMPLETING_REBALANCE);
        DEAD.validPrevious = EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
    }

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name on the wire, e.g. {@code PreparingRebalance}. */
    public String kafkaName() {
        return kafkaName;
    }

    boolean canFollow(GroupState previous) {
        return validPrevious.contains(previous);
    }

    /** Matches a state name as clients send it in filters, ignoring case; null when no state has that name. */
    public static GroupState parse(String name) {
        for (GroupState state : values()) {
            if (state.kafkaName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return state;
            }
        }
        return null;
    }
}
