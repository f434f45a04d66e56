package org.cohort.sim;

import io.netty.util.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import org.cohort.core.runtime.Scheduling;

/**
 * Core's {@link Scheduling} seam for one simulated node: every executor is a {@link SimEventLoop} and
 * every timer a {@link SimTimer}, all events of the node's {@link Simulation}, named as production names
 * their threads ({@code <node>/cohort-<name>}) so that the trace says whose work ran. A wait runs the
 * simulation's events until the awaited work is done (see {@link Simulation#runUntil}).
 */
public final class SimScheduling implements Scheduling {

    private final Simulation simulation;
    private final SimHost host;
    private final String node;

    /** The scheduling of the node on {@code host}, named after it. */
    public SimScheduling(SimHost host) {
        this.simulation = host.simulation();
        this.host = host;
        this.node = host.name();
    }

    @Override
    public EventExecutor newSerialExecutor(String name) {
        return new SimEventLoop(host, node + "/cohort-" + name, null);
    }

    @Override
    public Timer newTimer(String name, long tickMillis) {
        return new SimTimer(host, node + "/cohort-" + name, tickMillis);
    }

    /**
     * Runs the simulation until the future is done.
     *
     * @throws IllegalStateException if nothing left to run will complete it
     */
    @Override
    public void await(Future<?> future) {
        if (!simulation.runUntil(future::isDone, Long.MAX_VALUE)) {
            throw new IllegalStateException(node + " waits for work that no event will complete");
        }
    }

    @Override
    public boolean await(Future<?> future, long timeoutNanos) {
        return simulation.runUntil(future::isDone, simulation.nanoTime() + Math.max(0, timeoutNanos));
    }
}
