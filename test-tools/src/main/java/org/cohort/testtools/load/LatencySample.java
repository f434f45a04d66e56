package org.cohort.testtools.load;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Round-trip times with bounded memory: exact count, minimum, maximum and mean, and percentiles from a
 * uniform random sample of at most {@value #CAPACITY} values (reservoir sampling). Thread-safe.
 */
public final class LatencySample {

    /** The most values kept for percentiles. */
    public static final int CAPACITY = 10_000;

    /** The figures, in the unit recorded. */
    public record Summary(long count, long min, long avg, long p50, long p99, long max) {
    }

    private final long[] kept;
    private final SplittableRandom random = new SplittableRandom(0x5eed);
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    public LatencySample() {
        this(CAPACITY);
    }

    LatencySample(int capacity) {
        kept = new long[capacity];
    }

    /**
     * Records one value.
     *
     * @param value e.g. microseconds
     */
    public synchronized void record(long value) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (count <= kept.length) {
            kept[(int) (count - 1)] = value;
        } else {
            long slot = random.nextLong(count);
            if (slot < kept.length) {
                kept[(int) slot] = value;
            }
        }
    }

    /**
     * Returns the figures now.
     *
     * @return the summary, or null before the first value
     */
    public synchronized Summary summary() {
        if (count == 0) {
            return null;
        }
        long[] sorted = Arrays.copyOf(kept, (int) Math.min(count, kept.length));
        Arrays.sort(sorted);
        return new Summary(count, min, Math.round((double) sum / count), rank(sorted, 0.50), rank(sorted, 0.99), max);
    }

    /** Nearest-rank percentile. */
    private static long rank(long[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
