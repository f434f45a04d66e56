package org.cohort.testtools.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The pacing loop of a load: hands out message numbers at the planned rate until all are sent, the time
 * plus {@link LoadRun#GRACE_MILLIS} is up or a stop is asked; behind schedule it catches up in bursts of
 * at most {@link LoadRun#MAX_BURST}. It also measures how late the load thread ran after each wait.
 */
final class LoadPacer {

    private final LoadSettings settings;
    private final LongSupplier nanoTime;
    private final LongConsumer park;
    private final BooleanSupplier stopRequested;
    private final LongConsumer sendOne;
    private final AtomicLong schedulingDelayNanos = new AtomicLong();
    private volatile long attempted;

    /**
     * @param settings the rate, duration and planned count
     * @param nanoTime a monotonic clock
     * @param park waits about the given nanoseconds, returning early on interrupt
     * @param stopRequested whether a stop was asked
     * @param sendOne sends the message of the given number
     */
    LoadPacer(LoadSettings settings, LongSupplier nanoTime, LongConsumer park, BooleanSupplier stopRequested,
            LongConsumer sendOne) {
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.park = park;
        this.stopRequested = stopRequested;
        this.sendOne = sendOne;
    }

    /**
     * Runs the loop on the calling thread.
     *
     * @param start the monotonic time the load started
     * @return why it ended
     */
    String pace(long start) {
        long planned = settings.planned();
        double intervalNanos = 1e9 / settings.rate();
        long deadline = start + TimeUnit.SECONDS.toNanos(settings.durationSeconds())
                + TimeUnit.MILLISECONDS.toNanos(LoadRun.GRACE_MILLIS);
        long next = 0;
        while (true) {
            if (stopRequested.getAsBoolean()) {
                return "stopped";
            }
            if (next >= planned) {
                return "all sent";
            }
            long now = nanoTime.getAsLong();
            if (now - deadline >= 0) {
                return "time up, " + (planned - next) + " behind schedule";
            }
            long wait = start + (long) (next * intervalNanos) - now;
            if (wait > 0) {
                long parkNanos = Math.min(wait, LoadRun.MAX_PARK_NANOS);
                park.accept(parkNanos);
                // How much later than asked the thread ran again: what the host's scheduler and the JVM's
                // pauses (GC, safepoints, SIGSTOP) cost every thread of this node at that moment.
                schedulingDelayNanos.accumulateAndGet(nanoTime.getAsLong() - now - parkNanos, Math::max);
                continue;
            }
            // Catch up with every message due by now, a burst at a time, never past the deadline.
            for (int burst = 0; burst < LoadRun.MAX_BURST && next < planned && !stopRequested.getAsBoolean()
                    && start + (long) (next * intervalNanos) - now <= 0 && now - deadline < 0; burst++) {
                sendOne.accept(next++);
                attempted = next;
                now = nanoTime.getAsLong();
            }
        }
    }

    /** @return how many messages it has handed out so far */
    long attempted() {
        return attempted;
    }

    /** @return the longest the load thread ran late after a wait */
    long maxSchedulingDelayNanos() {
        return schedulingDelayNanos.get();
    }
}
