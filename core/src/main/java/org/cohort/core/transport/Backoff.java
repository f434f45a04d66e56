package org.cohort.core.transport;

import org.cohort.core.runtime.Randomness;

/**
 * When to dial a failing member again: the wait doubles with each failure up to a maximum, and is
 * jittered so that nodes restarting together do not dial in lockstep. Time is passed in; the jitter
 * comes from the node's randomness.
 */
final class Backoff {

    private final long initialNanos;
    private final long maxNanos;
    private final Randomness randomness;
    private int failures;
    private long nextAttemptNanos;

    Backoff(long initialNanos, long maxNanos, Randomness randomness) {
        this.initialNanos = initialNanos;
        this.randomness = randomness;
        this.maxNanos = Math.max(initialNanos, maxNanos);
    }

    synchronized boolean due(long nowNanos) {
        return failures == 0 || nowNanos - nextAttemptNanos >= 0;
    }

    synchronized void failed(long nowNanos) {
        failures++;
        long ceiling = initialNanos << Math.min(failures - 1, 30);
        long wait = Math.min(maxNanos, ceiling <= 0 ? maxNanos : ceiling);
        // Jitter over the upper half keeps the backoff growing while spreading retries apart.
        long jittered = wait / 2 + randomness.nextLong(wait / 2 + 1);
        nextAttemptNanos = nowNanos + jittered;
    }

    synchronized void reset() {
        failures = 0;
    }

    synchronized int failures() {
        return failures;
    }

    synchronized long nextAttemptNanos() {
        return nextAttemptNanos;
    }
}
