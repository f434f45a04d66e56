package org.cohort.testtools.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of sequence numbers kept as disjoint ranges, so that an unbroken lane of a million messages costs
 * one entry: what a receiver got of a lane, or which of a sender's messages failed back. At most
 * {@value #MAX_RANGES} ranges are kept; a number that would need one more is counted in
 * {@link #overflow()} instead, and the set is then incomplete (its report says so). Not thread-safe.
 */
public final class SeqRanges {

    /** The most ranges kept: a lane this broken is reported as such, not remembered in full. */
    public static final int MAX_RANGES = 100_000;

    /** Range start to range end, both included; the ranges neither overlap nor touch. */
    private final TreeMap<Long, Long> ranges = new TreeMap<>();
    private long count;
    private long overflow;

    /**
     * Adds a number.
     *
     * @param seq the number
     * @return false if it was in the set already (a duplicate), true otherwise (also when it overflowed)
     */
    public boolean add(long seq) {
        Map.Entry<Long, Long> below = ranges.floorEntry(seq);
        if (below != null && below.getValue() >= seq) {
            return false;
        }
        boolean joinsBelow = below != null && below.getValue() == seq - 1;
        Long aboveStart = ranges.higherKey(seq);
        boolean joinsAbove = aboveStart != null && aboveStart == seq + 1;
        if (joinsBelow && joinsAbove) {
            ranges.put(below.getKey(), ranges.remove(aboveStart));
        } else if (joinsBelow) {
            ranges.put(below.getKey(), seq);
        } else if (joinsAbove) {
            ranges.put(seq, ranges.remove(aboveStart));
        } else if (ranges.size() >= MAX_RANGES) {
            overflow++;
            return true;
        } else {
            ranges.put(seq, seq);
        }
        count++;
        return true;
    }

    /** @return whether the number is in the set */
    public boolean contains(long seq) {
        Map.Entry<Long, Long> below = ranges.floorEntry(seq);
        return below != null && below.getValue() >= seq;
    }

    /** @return how many numbers the set holds (not counting the overflow) */
    public long count() {
        return count;
    }

    /** @return how many numbers could not be kept for want of ranges */
    public long overflow() {
        return overflow;
    }

    /** @return the lowest number held, 0 for none */
    public long lowest() {
        return ranges.isEmpty() ? 0 : ranges.firstKey();
    }

    /** @return the highest number held, 0 for none */
    public long highest() {
        return ranges.isEmpty() ? 0 : ranges.lastEntry().getValue();
    }

    /** @return the ranges as [first, last] pairs, lowest first: the JSON form */
    public List<List<Long>> toList() {
        List<List<Long>> list = new ArrayList<>(ranges.size());
        ranges.forEach((first, last) -> list.add(List.of(first, last)));
        return list;
    }

    /**
     * Reads the JSON form back.
     *
     * @param pairs [first, last] pairs of numbers, as parsed JSON (any Number), or null for none
     * @return the set
     */
    public static SeqRanges of(List<?> pairs) {
        SeqRanges set = new SeqRanges();
        if (pairs == null) {
            return set;
        }
        for (Object pair : pairs) {
            List<?> bounds = (List<?>) pair;
            long first = ((Number) bounds.get(0)).longValue();
            long last = ((Number) bounds.get(1)).longValue();
            if (first > last || first < 1) {
                throw new IllegalArgumentException("not a range of sequence numbers: " + pair);
            }
            if (first > set.highest() + 1 && set.ranges.size() < MAX_RANGES) {
                // The usual case, ranges in order with gaps between them: one entry each.
                set.ranges.put(first, last);
                set.count += last - first + 1;
            } else {
                for (long seq = first; seq <= last; seq++) {
                    set.add(seq);
                }
            }
        }
        return set;
    }

    @Override
    public String toString() {
        return toList().toString();
    }
}
