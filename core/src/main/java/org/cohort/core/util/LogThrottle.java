package org.cohort.core.util;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets a repeated warning through at most once per interval, and counts the ones held back.
 * Thread-safe; times are {@link System#nanoTime()}-style readings, compared by difference.
 */
public final class LogThrottle {

    /** What {@link #tryAcquire(long)} returns when the warning must stay quiet. */
    public static final long SUPPRESSED = -1L;

    private final long intervalNanos;
    private final AtomicLong lastPermitNanos;
    private final LongAdder suppressed = new LongAdder();

    /**
     * @param intervalNanos the shortest time between two warnings
     * @param startNanos the current time; the first warning is let through
     */
    public LogThrottle(long intervalNanos, long startNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive, got " + intervalNanos);
        }
        this.intervalNanos = intervalNanos;
        this.lastPermitNanos = new AtomicLong(startNanos - intervalNanos);
    }

    /** @return the shortest time between two warnings */
    public long intervalNanos() {
        return intervalNanos;
    }

    /**
     * Asks to log a warning now.
     *
     * @param nowNanos the current time
     * @return {@link #SUPPRESSED} if the warning must stay quiet; otherwise how many were held back
     *     since the last one let through
     */
    public long tryAcquire(long nowNanos) {
        long last = lastPermitNanos.get();
        if (nowNanos - last < intervalNanos || !lastPermitNanos.compareAndSet(last, nowNanos)) {
            suppressed.increment();
            return SUPPRESSED;
        }
        return suppressed.sumThenReset();
    }
}
