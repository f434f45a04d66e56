package org.cohort.core.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A node clock that moves only when a test tells it to: both clocks advance together. */
public final class ManualClock implements NodeClock {

    private final AtomicLong nanos = new AtomicLong();
    private final long startMillis;

    public ManualClock(Instant start) {
        this.startMillis = start.toEpochMilli();
    }

    public void advance(Duration step) {
        nanos.addAndGet(step.toNanos());
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long currentTimeMillis() {
        return startMillis + nanos.get() / 1_000_000;
    }
}
