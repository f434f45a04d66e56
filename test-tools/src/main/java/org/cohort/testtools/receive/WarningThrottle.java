package org.cohort.testtools.receive;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a repeated warning through at most once a minute, so that a peer sending garbage cannot flood
 * the log; the ledger counts every occurrence. Thread-safe.
 */
final class WarningThrottle {

    private static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final AtomicLong lastNanos = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

    /**
     * @param nowNanos {@link System#nanoTime()} now
     * @return true if the warning may be logged now
     */
    boolean tryAcquire(long nowNanos) {
        long last = lastNanos.get();
        return nowNanos - last >= INTERVAL_NANOS && lastNanos.compareAndSet(last, nowNanos);
    }
}
