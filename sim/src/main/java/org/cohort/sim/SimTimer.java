package org.cohort.sim;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty {@link Timer} on a {@link Simulation}'s clock, for what production runs on a hashed wheel with
 * a thread of its own: each timeout is an event at its deadline, rounded up to the wheel's tick as the
 * wheel would fire it (never early, at most one tick late). A task that throws is logged, as the wheel
 * logs it, and the timer goes on.
 */
public final class SimTimer implements Timer {

    private static final Logger LOG = LoggerFactory.getLogger(SimTimer.class);

    private final Simulation simulation;
    private final SimHost host;
    private final String label;
    private final long tickNanos;
    /** Pending timeouts in creation order (deterministic iteration for {@link #stop}). */
    private final Set<SimTimeout> pending = new LinkedHashSet<>();
    private boolean stopped;

    /**
     * @param name what the trace calls the timer's events
     * @param tickMillis the wheel's tick production would use; deadlines round up to it
     */
    public SimTimer(Simulation simulation, String name, long tickMillis) {
        this(simulation, null, name, tickMillis);
    }

    /** A timer of {@code host}: its timeouts wait while the host is paused. */
    public SimTimer(SimHost host, String name, long tickMillis) {
        this(host.simulation(), host, name, tickMillis);
    }

    private SimTimer(Simulation simulation, SimHost host, String name, long tickMillis) {
        this.simulation = simulation;
        this.host = host;
        this.label = name + " fires";
        this.tickNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, tickMillis));
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        if (stopped) {
            // What a stopped HashedWheelTimer throws, and what its users catch.
            throw new IllegalStateException("cannot be started once stopped");
        }
        long delayNanos = Math.max(0, unit.toNanos(delay));
        long rounded = (delayNanos + tickNanos - 1) / tickNanos * tickNanos;
        SimTimeout timeout = new SimTimeout(task);
        pending.add(timeout);
        simulation.schedule(rounded, label, timeout::fire);
        return timeout;
    }

    @Override
    public Set<Timeout> stop() {
        stopped = true;
        Set<Timeout> unfired = new HashSet<>(pending);
        pending.forEach(timeout -> timeout.cancelled = true);
        pending.clear();
        return unfired;
    }

    private final class SimTimeout implements Timeout {
        private final TimerTask task;
        private boolean cancelled;
        private boolean expired;

        SimTimeout(TimerTask task) {
            this.task = task;
        }

        void fire() {
            if (cancelled || host != null && host.park(this::fire)) {
                return;
            }
            pending.remove(this);
            expired = true;
            if (host != null) {
                host.ran(label);
            }
            try {
                task.run(this);
            } catch (Throwable t) {
                LOG.warn("A task of {} threw", label, t);
            }
        }

        @Override
        public Timer timer() {
            return SimTimer.this;
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
            if (cancelled || expired) {
                return false;
            }
            cancelled = true;
            pending.remove(this);
            return true;
        }
    }
}
