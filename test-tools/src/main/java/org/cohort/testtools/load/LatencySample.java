package org.cohort.testtools.load;

import org.HdrHistogram.Histogram;

/**
 * Round-trip times with bounded memory: exact count, minimum, maximum and mean; percentiles from an
 * HdrHistogram with three significant digits (exact below 2,048, within 0.1% above). Thread-safe.
 */
public final class LatencySample {

    /** The figures, in the unit recorded. */
    public record Summary(long count, long min, long avg, long p50, long p99, long max) {
    }

    private final Histogram histogram = new Histogram(3);
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    /**
     * Records one value.
     *
     * @param value e.g. microseconds; a negative one (a clock step) counts as 0
     */
    public synchronized void record(long value) {
        long counted = Math.max(0, value);
        histogram.recordValue(counted);
        sum += counted;
        min = Math.min(min, counted);
        max = Math.max(max, counted);
    }

    /**
     * Returns the figures now.
     *
     * @return the summary, or null before the first value
     */
    public synchronized Summary summary() {
        long count = histogram.getTotalCount();
        if (count == 0) {
            return null;
        }
        // Nearest-rank percentiles, clamped to the exact extremes the histogram's buckets may pass.
        long p50 = Math.min(max, Math.max(min, histogram.getValueAtPercentile(50.0)));
        long p99 = Math.min(max, Math.max(min, histogram.getValueAtPercentile(99.0)));
        return new Summary(count, min, Math.round((double) sum / count), p50, p99, max);
    }
}
