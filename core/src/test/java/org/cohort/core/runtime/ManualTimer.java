package org.cohort.core.runtime;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Timer} on a {@link ManualClock} that ticks only when a test advances it, on the test's thread.
 * Like the hashed wheel production uses, it looks at its timeouts once per tick, at every multiple of
 * the tick on the clock: a timeout runs at the first tick at or after its deadline, never before it.
 */
public final class ManualTimer implements Timer {

    private final ManualClock clock;
    private final long tickNanos;
    private final List<ManualTimeout> scheduled = new ArrayList<>();
    private boolean stopped;

    public ManualTimer(ManualClock clock, long tickMillis) {
        this.clock = clock;
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMillis);
    }

    /**
     * Moves the clock on by the given time, a millisecond at a time, and at every tick passed runs the
     * timeouts then due, earliest deadline first.
     */
    public void advance(Duration time) {
        long steps = time.toMillis();
        for (long step = 0; step < steps; step++) {
            clock.advance(Duration.ofMillis(1));
            if (clock.nanoTime() % tickNanos == 0) {
                runDue();
            }
        }
    }

    /** The timeouts scheduled and neither run nor cancelled. */
    public int pendingCount() {
        return (int) scheduled.stream().filter(timeout -> !timeout.cancelled).count();
    }

    private void runDue() {
        long now = clock.nanoTime();
        List<ManualTimeout> due = scheduled.stream().filter(timeout -> timeout.deadlineNanos <= now)
                .sorted(Comparator.comparingLong(timeout -> timeout.deadlineNanos)).toList();
        scheduled.removeAll(due);
        for (ManualTimeout timeout : due) {
            if (!timeout.cancelled) {
                timeout.expired = true;
                try {
                    timeout.task.run(timeout);
                } catch (Exception e) {
                    throw new IllegalStateException("a timer task failed", e);
                }
            }
        }
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        if (stopped) {
            throw new IllegalStateException("the timer is stopped");
        }
        ManualTimeout timeout = new ManualTimeout(task, clock.nanoTime() + unit.toNanos(delay));
        scheduled.add(timeout);
        return timeout;
    }

    @Override
    public Set<Timeout> stop() {
        stopped = true;
        Set<Timeout> unrun = new HashSet<>(scheduled);
        scheduled.clear();
        return unrun;
    }

    private final class ManualTimeout implements Timeout {
        final TimerTask task;
        final long deadlineNanos;
        boolean expired;
        boolean cancelled;

        ManualTimeout(TimerTask task, long deadlineNanos) {
            this.task = task;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public Timer timer() {
            return ManualTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return expired;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean cancel() {
            if (expired || cancelled) {
                return false;
            }
            cancelled = true;
            return true;
        }
    }
}
