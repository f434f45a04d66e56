package org.cohort.testtools.receive;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Makes this node a slow consumer on purpose ({@code example:stall SECONDS}): while a stall lasts, every
 * test-tools handler blocks before it handles its message, so that Cohort's per-subject backlog fills and
 * its refusals can be watched. Each handler runs on its own thread, so a stall holds up the test tools'
 * subjects only, never Cohort's IO threads or heartbeats.
 *
 * <p>A stall lasts at most {@value #MAX_SECONDS} s, and deactivation ends it, so a handler thread never
 * outlives the bundle. Thread-safe.
 */
@Component(service = StallGate.class, immediate = true)
public final class StallGate {

    /** The longest stall. */
    public static final int MAX_SECONDS = 300;
    /** The longest single park while stalled, so that the end of a stall or a deactivation is seen soon. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final LongSupplier nanoTime;
    /** When the current stall ends ({@link System#nanoTime()}); in the past when there is none. */
    private final AtomicLong stalledUntil;
    private final LongAdder stalls = new LongAdder();
    private final LongAdder held = new LongAdder();
    private final AtomicLong longestHoldNanos = new AtomicLong();
    private volatile boolean closed;

    public StallGate() {
        this(System::nanoTime);
    }

    StallGate(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.stalledUntil = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * Starts a stall now (replacing one under way).
     *
     * @param length 1 s to {@value #MAX_SECONDS} s
     * @throws IllegalArgumentException for a length out of range
     */
    public void stall(Duration length) {
        if (length.toMillis() < 1_000 || length.toSeconds() > MAX_SECONDS) {
            throw new IllegalArgumentException("a stall lasts 1 to " + MAX_SECONDS + " seconds, got " + length);
        }
        stalledUntil.set(nanoTime.getAsLong() + length.toNanos());
        stalls.increment();
    }

    /** Ends the stall under way, if any. */
    public void release() {
        stalledUntil.set(nanoTime.getAsLong());
    }

    /** Called by a handler before it handles a message: returns at once, or when the stall ends. */
    public void pass() {
        long start = nanoTime.getAsLong();
        if (stalledUntil.get() - start <= 0) {
            return;
        }
        held.increment();
        long left;
        while (!closed && (left = stalledUntil.get() - nanoTime.getAsLong()) > 0) {
            LockSupport.parkNanos(Math.min(left, MAX_PARK_NANOS));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long waited = nanoTime.getAsLong() - start;
        longestHoldNanos.accumulateAndGet(waited, Math::max);
    }

    /** @return the figures: the stall under way (ms left), how many stalls, messages held, the longest hold */
    public Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        long left = stalledUntil.get() - nanoTime.getAsLong();
        figures.put("stalled", left > 0);
        figures.put("remainingMs", Math.max(0, TimeUnit.NANOSECONDS.toMillis(left)));
        figures.put("stalls", stalls.sum());
        figures.put("heldMessages", held.sum());
        figures.put("longestHoldMs", TimeUnit.NANOSECONDS.toMillis(longestHoldNanos.get()));
        return figures;
    }

    @Deactivate
    void close() {
        closed = true;
    }
}
