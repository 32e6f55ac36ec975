package io.vertebra.node;

import java.util.Optional;

/** "Did you mean" for configuration keys: the closest known key at most two edits away. */
public final class Spelling {
    private static final int MAX_EDITS = 2;

    private Spelling() {}

    /** The candidate closest to {@code key} (other than {@code key} itself) within two edits, if any. */
    public static Optional<String> closest(String key, Iterable<String> candidates) {
        String best = null;
        int bestDistance = MAX_EDITS + 1;
        for (String candidate : candidates) {
            int d = distance(key, candidate, bestDistance);
            if (d < bestDistance && !candidate.equals(key)) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Levenshtein distance, or {@code limit} once it is certain to reach it. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return Math.min(prev[b.length()], limit);
    }
}
