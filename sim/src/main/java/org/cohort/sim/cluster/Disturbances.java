package org.cohort.sim.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * When each node was disturbed by a fault of the plan (killed, paused, cut off, being removed, ...), as
 * intervals of virtual time known before the run starts: a bound on detection or recovery is asserted only
 * for nodes that no other fault touched meanwhile, and every interval's end is a moment from which
 * recovery is owed.
 */
final class Disturbances {

    private record Interval(int node, long from, long to) {
        boolean overlaps(long start, long end) {
            return from < end && to > start;
        }
    }

    private final List<Interval> intervals = new ArrayList<>();

    /** Node K is disturbed from {@code from} to {@code to} (equal for a moment's fault, such as a reset). */
    void add(int node, long from, long to) {
        intervals.add(new Interval(node, from, Math.max(from, to)));
    }

    /** Whether any fault touches node K within (start, end): one that ended at {@code start} does not. */
    boolean touches(int node, long start, long end) {
        for (Interval interval : intervals) {
            if (interval.node == node && (interval.overlaps(start, end) || interval.from == interval.to
                    && interval.from > start && interval.from < end)) {
                return true;
            }
        }
        return false;
    }

    /** Every moment a fault ended, in order: recovery is owed from each. */
    TreeSet<Long> ends() {
        TreeSet<Long> ends = new TreeSet<>();
        intervals.forEach(interval -> ends.add(interval.to));
        return ends;
    }
}
